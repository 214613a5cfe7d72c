/** Reading PDFs back in tests, with pdf.js. */
import { getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function openPdf(pdf: Buffer): Promise<PDFDocumentProxy> {
  return getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
}

/** Whitespace collapsed: pdf.js splits lines and merges runs of spaces its own way. */
export async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  const parts = content.items.map((item) => ('str' in item ? item.str : ''));
  return parts.join(' ').replace(/\s+/g, ' ');
}

export async function pdfText(pdf: Buffer): Promise<string> {
  const document = await openPdf(pdf);
  return pageText(await document.getPage(1));
}
