/**
 * The invoice document of a counter renewal (PDF, A5, zh-CN / en labels): what the
 * customer asked for (title, tax id, email) and what they paid. The operator's e-invoice
 * provider issues the legal invoice later from the recorded request.
 */
import PDFDocument from 'pdfkit';
import { loadReceiptFont } from '../../receipts/fonts.js';
import { formatAmount } from '../../receipts/pdf.js';

export interface InvoiceView {
  id: string;
  operatorName: string;
  title: string;
  taxId: string | null;
  email: string;
  planName: string;
  amount: number;
  currency: string;
  receiptNumber: string;
  requestedAtLocal: string;
  status: string;
}

const MARGIN = 36;

export async function renderInvoicePdf(view: InvoiceView): Promise<Buffer> {
  const [regular, bold] = await Promise.all([loadReceiptFont('regular'), loadReceiptFont('bold')]);
  const doc = new PDFDocument({ size: 'A5', margin: MARGIN, info: { Title: `Invoice ${view.id}`, Author: view.operatorName, Creator: 'simkeep' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const width = doc.page.width - 2 * MARGIN;
  doc.font('bold').fontSize(16).text('发票 / Invoice', MARGIN, MARGIN, { width });
  doc.font('regular').fontSize(11).text(view.operatorName, { width });
  doc.moveDown();
  const rows: [string, string][] = [
    ['申请编号 / Request no.', view.id],
    ['抬头 / Title', view.title],
    ['税号 / Tax ID', view.taxId ?? '—'],
    ['邮箱 / Email', view.email],
    ['项目 / Item', view.planName],
    ['金额 / Amount', formatAmount(view.amount, view.currency)],
    ['收据编号 / Receipt no.', view.receiptNumber],
    ['申请时间 / Requested', view.requestedAtLocal],
    ['状态 / Status', view.status],
  ];
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('regular').fontSize(9).fillColor('#555555').text(label, MARGIN, y, { width: 140 });
    doc
      .font('regular')
      .fontSize(10.5)
      .fillColor('black')
      .text(value, MARGIN + 150, y, { width: width - 150 });
    doc.moveDown(0.4);
  }
  doc.end();
  return done;
}
