/**
 * Receipt PDF rendering: one A5 page with bilingual (zh-CN / en) labels, the price
 * breakdown, the validity change and a QR code of the signed verification URL.
 * Presentation only: the caller hands over a ready ReceiptView (already masked and signed).
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { loadReceiptFont } from './fonts.js';

export interface ReceiptView {
  number: string;
  operatorName: string;
  msisdnMasked: string;
  planName: { 'zh-CN': string; en: string };
  /** Minor units (fen for CNY), as every amount here. */
  listPrice: number;
  discounts: { label: string; amount: number }[];
  bonus: string | null;
  total: number;
  /** ISO 4217 code. */
  currency: string;
  /** The method's name as printed (paymentMethodName), not its code. */
  paymentMethod: string;
  validUntilBefore: string;
  validUntilAfter: string;
  /** ISO 8601 with the operator zone's offset, e.g. '2026-11-24T19:30:00+08:00'. */
  issuedAtLocal: string;
  timeZone: string;
  verifyUrl: string;
}

export const RECEIPT_LABELS = {
  title: '续费收据 / Renewal receipt',
  number: '收据编号 / Receipt no.',
  msisdn: '号码 / Number',
  plan: '套餐 / Plan',
  listPrice: '原价 / List price',
  discount: '优惠 / Discount',
  bonus: '赠送 / Bonus',
  total: '实付 / Total',
  payment: '支付方式 / Payment',
  validBefore: '原有效期至 / Valid until (before)',
  validAfter: '新有效期至 / Valid until (after)',
  time: '时间 / Time',
  verify: '扫码验证 / Scan to verify',
} as const;

/** How each payment method reads on the receipt, in both its languages. */
export const PAYMENT_METHOD_NAMES: Record<string, string> = {
  sandbox: '沙箱支付 / Sandbox',
  alipay: '支付宝 / Alipay',
  wechatpay: '微信支付 / WeChat Pay',
  unionpay: '银联 / UnionPay bank card',
  cash: '现金 / Cash',
  pos: '刷卡 (POS) / Card (POS)',
};

/** The printed name of a payment method; a method without one keeps its code rather than print nothing. */
export function paymentMethodName(code: string): string {
  return PAYMENT_METHOD_NAMES[code] ?? code;
}

const REGULAR = 'receipt-regular';
const BOLD = 'receipt-bold';
const MARGIN = 36;
const LABEL_WIDTH = 150;
const COLUMN_GAP = 12;
const QR_SIZE = 112;
const MUTED = '#555555';
const RULE = '#bbbbbb';

interface Row {
  label: string;
  value: string;
  strong?: boolean;
}

/** Always two decimals, as the brief for receipts asks, whatever the currency's own exponent. */
export function formatAmount(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount is not an integer of minor units: ${minor}`);
  const abs = Math.abs(minor);
  const digits = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return `${minor < 0 ? '-' : ''}${currency} ${digits}`;
}

/**
 * Prints the wall-clock time exactly as the caller computed it in the operator's zone;
 * re-deriving it here from an instant would risk disagreeing with the rest of the system.
 */
export function formatLocalTime(isoLocal: string, timeZone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(isoLocal);
  if (!match) return `${isoLocal} (${timeZone})`;
  const [, date, time, offset] = match;
  return `${date} ${time} (${timeZone}, UTC${offset === 'Z' ? '+00:00' : offset})`;
}

/**
 * The QR code as a PNG. A quiet zone of 4 modules is what scanners expect; medium error
 * correction survives a printed receipt being folded or smudged without a crowded symbol.
 */
export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
}

function receiptRows(view: ReceiptView): Row[] {
  const money = (minor: number) => formatAmount(minor, view.currency);
  const discounts = view.discounts.map((d) => ({
    label: RECEIPT_LABELS.discount,
    value: `${d.label}  ${money(-d.amount)}`,
  }));
  const bonus = view.bonus === null ? [] : [{ label: RECEIPT_LABELS.bonus, value: view.bonus }];
  return [
    { label: RECEIPT_LABELS.msisdn, value: view.msisdnMasked },
    { label: RECEIPT_LABELS.plan, value: `${view.planName['zh-CN']} / ${view.planName.en}` },
    { label: RECEIPT_LABELS.listPrice, value: money(view.listPrice) },
    ...discounts,
    ...bonus,
    { label: RECEIPT_LABELS.total, value: money(view.total), strong: true },
    { label: RECEIPT_LABELS.payment, value: view.paymentMethod },
    { label: RECEIPT_LABELS.validBefore, value: view.validUntilBefore },
    { label: RECEIPT_LABELS.validAfter, value: view.validUntilAfter, strong: true },
    { label: RECEIPT_LABELS.time, value: formatLocalTime(view.issuedAtLocal, view.timeZone) },
  ];
}

function contentWidth(doc: PDFKit.PDFDocument): number {
  return doc.page.width - 2 * MARGIN;
}

function drawRule(doc: PDFKit.PDFDocument, y: number): number {
  doc
    .moveTo(MARGIN, y)
    .lineTo(doc.page.width - MARGIN, y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  return y + 8;
}

/** Returns the y below the row; label and value may each wrap, so the taller one decides. */
function drawRow(doc: PDFKit.PDFDocument, row: Row, y: number): number {
  const valueX = MARGIN + LABEL_WIDTH + COLUMN_GAP;
  const valueWidth = contentWidth(doc) - LABEL_WIDTH - COLUMN_GAP;
  doc.font(REGULAR).fontSize(9).fillColor(MUTED);
  const labelHeight = doc.heightOfString(row.label, { width: LABEL_WIDTH });
  doc.text(row.label, MARGIN, y + 1, { width: LABEL_WIDTH });
  doc
    .font(row.strong ? BOLD : REGULAR)
    .fontSize(10.5)
    .fillColor('black');
  const valueHeight = doc.heightOfString(row.value, { width: valueWidth });
  doc.text(row.value, valueX, y, { width: valueWidth });
  return y + Math.max(labelHeight, valueHeight) + 6;
}

function drawHeader(doc: PDFKit.PDFDocument, view: ReceiptView): number {
  const width = contentWidth(doc);
  doc.font(BOLD).fontSize(16).fillColor('black').text(RECEIPT_LABELS.title, MARGIN, MARGIN, { width });
  doc.font(REGULAR).fontSize(11).text(view.operatorName, { width });
  const y = drawRule(doc, doc.y + 6);
  return drawRow(doc, { label: RECEIPT_LABELS.number, value: view.number, strong: true }, y);
}

function drawVerification(doc: PDFKit.PDFDocument, png: Buffer, url: string, y: number): void {
  const width = contentWidth(doc);
  doc.image(png, (doc.page.width - QR_SIZE) / 2, y, { width: QR_SIZE, height: QR_SIZE });
  doc.font(REGULAR).fontSize(9).fillColor('black');
  doc.text(RECEIPT_LABELS.verify, MARGIN, y + QR_SIZE + 4, { width, align: 'center' });
  doc.fontSize(7).fillColor(MUTED).text(url, { width, align: 'center' });
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

export async function renderReceiptPdf(view: ReceiptView): Promise<Buffer> {
  const [regular, bold, png] = await Promise.all([loadReceiptFont('regular'), loadReceiptFont('bold'), qrPng(view.verifyUrl)]);
  const doc = new PDFDocument({
    size: 'A5',
    margin: MARGIN,
    info: { Title: `${RECEIPT_LABELS.title} ${view.number}`, Author: view.operatorName, Creator: 'simkeep' },
  });
  const done = collect(doc);
  // Registered from the Buffer, pdfkit embeds only the glyphs used (a subset), not 10 MB.
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  let y = drawHeader(doc, view);
  for (const row of receiptRows(view)) y = drawRow(doc, row, y);
  y = drawRule(doc, y + 2);
  drawVerification(doc, png, view.verifyUrl, y + 4);
  doc.end();
  return done;
}
