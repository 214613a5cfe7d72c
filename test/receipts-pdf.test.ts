/**
 * Receipt PDF: reads the rendered file back with pdf.js (text and the embedded QR image) and
 * decodes the QR code with jsQR, so the checks are on what a reader or a scanner would see.
 */
import jsQRModule from 'jsqr';
import { OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { receiptFontPath } from '../src/receipts/fonts.js';
import { formatAmount, formatLocalTime, qrPng, RECEIPT_LABELS, type ReceiptView, renderReceiptPdf } from '../src/receipts/pdf.js';
import { openPdf, pageText } from './support/pdf.js';

// jsqr's typings declare `exports.default`, but its UMD bundle sets module.exports to the
// function itself; accept either so neither the types nor the interop layer mislead us.
type JsQR = typeof jsQRModule.default;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as JsQR;

const view: ReceiptView = {
  number: 'DEMO-2026-000042',
  operatorName: '示例通信 Demo Telecom',
  msisdnMasked: '+86 138****8000',
  planName: { 'zh-CN': '保号套餐 12 个月', en: 'Number keeping, 12 months' },
  listPrice: 8420,
  discounts: [
    { label: 'SAVE5', amount: 500 },
    { label: 'Promotion pr_01JXYZ', amount: 500 },
  ],
  bonus: '+12 months bonus',
  total: 7420,
  currency: 'CNY',
  paymentMethod: 'sandbox',
  validUntilBefore: '2026-12-31',
  validUntilAfter: '2028-12-31',
  issuedAtLocal: '2026-11-24T19:30:00+08:00',
  timeZone: 'Asia/Shanghai',
  verifyUrl: 'https://simkeep.example/r/DEMO-2026-000042?sig=0123456789abcdef0123456789abcdef',
};

interface RawImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** The bitmaps a page paints, as pdf.js decodes them (1: grayscale 1 bpp, 2: RGB, 3: RGBA). */
async function pageImages(page: PDFPageProxy): Promise<RawImage[]> {
  const ops = await page.getOperatorList();
  const ids = ops.fnArray.flatMap((fn, i) => (fn === OPS.paintImageXObject ? [ops.argsArray[i][0] as string] : []));
  return Promise.all(ids.map((id) => new Promise<RawImage>((resolve) => page.objs.get(id, resolve))));
}

function toRgba(image: RawImage): Uint8ClampedArray {
  if (image.kind === 3) return new Uint8ClampedArray(image.data);
  if (image.kind !== 2) throw new Error(`Unexpected image kind ${image.kind}`);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    rgba.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

describe('receipt PDF', () => {
  it('is a small one-page PDF with the font subset embedded', async () => {
    const pdf = await renderReceiptPdf(view);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(1024 * 1024);
    // Subsetted fonts carry a 6-letter tag before their name (PDF 32000, 9.6.4).
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    const doc = await openPdf(pdf);
    expect(doc.numPages).toBe(1);
    const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> };
    expect(info.Title).toBe('续费收据 / Renewal receipt DEMO-2026-000042');
    expect(info.Author).toBe('示例通信 Demo Telecom');
  });

  it('prints bilingual labels and the receipt data', async () => {
    const doc = await openPdf(await renderReceiptPdf(view));
    const text = await pageText(await doc.getPage(1));
    for (const label of Object.values(RECEIPT_LABELS)) expect(text).toContain(label);
    for (const value of [
      'DEMO-2026-000042',
      '示例通信 Demo Telecom',
      '+86 138****8000',
      '保号套餐 12 个月',
      'Number keeping, 12 months',
      'CNY 84.20',
      'SAVE5 -CNY 5.00',
      'Promotion pr_01JXYZ -CNY 5.00',
      '+12 months bonus',
      'CNY 74.20',
      'sandbox',
      '2026-12-31',
      '2028-12-31',
      '2026-11-24 19:30 (Asia/Shanghai, UTC+08:00)',
      view.verifyUrl,
    ]) {
      expect(text).toContain(value);
    }
  });

  it('leaves out the discount and bonus rows when there are none', async () => {
    const plain = { ...view, discounts: [], bonus: null, total: 8420 };
    const text = await pageText(await (await openPdf(await renderReceiptPdf(plain))).getPage(1));
    expect(text).not.toContain(RECEIPT_LABELS.discount);
    expect(text).not.toContain(RECEIPT_LABELS.bonus);
    expect(text).toContain(RECEIPT_LABELS.total);
  });

  it('embeds a QR code that decodes to the verification URL', async () => {
    const page = await (await openPdf(await renderReceiptPdf(view))).getPage(1);
    const images = await pageImages(page);
    expect(images).toHaveLength(1);
    const [qr] = images as [RawImage];
    expect(jsQR(toRgba(qr), qr.width, qr.height)?.data).toBe(view.verifyUrl);
  });

  it('makes a QR PNG that decodes to the URL it was given', async () => {
    const url = 'https://simkeep.example/r/CMHK-2027-000001?sig=ffffffffffffffffffffffffffffffff';
    const png = PNG.sync.read(await qrPng(url));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url);
  });
});

describe('receipt formatting', () => {
  it('formats minor units with two decimals and the currency', () => {
    expect(formatAmount(7420, 'CNY')).toBe('CNY 74.20');
    expect(formatAmount(5, 'CNY')).toBe('CNY 0.05');
    expect(formatAmount(0, 'HKD')).toBe('HKD 0.00');
    expect(formatAmount(-500, 'CNY')).toBe('-CNY 5.00');
    expect(formatAmount(123456789, 'CNY')).toBe('CNY 1234567.89');
    expect(() => formatAmount(1.5, 'CNY')).toThrow(RangeError);
  });

  it("prints the operator's wall-clock time as given, with zone and offset", () => {
    expect(formatLocalTime('2026-11-24T19:30:00+08:00', 'Asia/Shanghai')).toBe('2026-11-24 19:30 (Asia/Shanghai, UTC+08:00)');
    expect(formatLocalTime('2026-01-05T08:07:09.123Z', 'UTC')).toBe('2026-01-05 08:07 (UTC, UTC+00:00)');
    expect(formatLocalTime('not a time', 'Asia/Shanghai')).toBe('not a time (Asia/Shanghai)');
  });

  it('finds the CJK font inside its npm package', () => {
    expect(receiptFontPath('regular')).toMatch(/noto-sans-sc[\\/]400Regular[\\/]NotoSansSC_400Regular\.ttf$/);
    expect(receiptFontPath('bold')).toMatch(/NotoSansSC_700Bold\.ttf$/);
  });
});
