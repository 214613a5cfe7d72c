/** Steps through the web app's pages the way a subscriber would: by labels, roles and visible words. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type Lang, TEXT } from './texts.js';

/** The text as rendered (innerText: what is visible, laid out), not the raw textContent. */
export function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property.
  return locator.innerText();
}

/** The `<dd>` that follows the `<dt>` reading exactly `term`, within `scope`. */
export function definition(scope: Locator | Page, term: string): Locator {
  const exact = new RegExp(`^\\s*${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return scope.locator('dt').filter({ hasText: exact }).locator('xpath=following-sibling::dd[1]');
}

/** Forgets the card this tab remembers (in its sessionStorage), as a new tab would. */
export async function forgetCard(page: Page): Promise<void> {
  if (page.url().startsWith('http')) {
    await page.evaluate(() => (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear());
  }
}

/** Opens the home page in the browser's own language and checks it is `lang`. */
export async function openHome(page: Page, lang: Lang): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: TEXT[lang].heading }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

/** On the Chinese home page, the visible switch to English; a reload keeps English. */
export async function switchToEnglish(page: Page): Promise<void> {
  await page.getByRole('button', { name: TEXT['zh-CN'].switchLanguage }).click();
  await page.getByRole('heading', { level: 1, name: TEXT.en.heading }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: TEXT.en.heading }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  await page.getByLabel(TEXT.en.msisdn, { exact: true }).waitFor();
}

/** Fills the home form (found by its labels) and submits it. */
export async function lookUp(page: Page, lang: Lang, card: { msisdn: string; iccid: string }): Promise<void> {
  await page.getByLabel(TEXT[lang].msisdn, { exact: true }).fill(card.msisdn);
  await page.getByLabel(TEXT[lang].iccid, { exact: true }).fill(card.iccid);
  await page.getByRole('button', { name: TEXT[lang].lookUp, exact: true }).click();
}

/** The card page's first panel: the number, its status and its expiry. */
export function cardPanel(page: Page, lang: Lang): Locator {
  return page.getByRole('region', { name: new RegExp(lang === 'en' ? '^Number' : '^号码') });
}

/** On the card page: the quote's total in cents, once shown. */
export async function quotedTotal(page: Page, lang: Lang): Promise<number> {
  const total = definition(page.getByLabel(TEXT[lang].breakdown), TEXT[lang].total);
  return cents(await visibleText(total));
}

/** Reads a money amount as shown (¥3.00, CNY 3.00) in cents. */
export function cents(text: string): number {
  const match = /(\d[\d,]*)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Number((match[1] ?? '').replaceAll(',', '')) * 100 + Number(match[2]);
}

/** From the card page: Pay, and wait for the sandbox checkout page. */
export async function startPayment(page: Page, lang: Lang): Promise<void> {
  await page.getByRole('button', { name: TEXT[lang].pay }).click();
  await page.waitForURL(/\/pay\/sandbox\/pay_[^/?]+\?return=/);
}

/** On the checkout page: "支付 Pay …" or "失败 Fail", then back on the order page. */
export async function settleCheckout(page: Page, outcome: 'pay' | 'fail'): Promise<void> {
  await page.getByRole('button', { name: outcome === 'pay' ? /^支付 Pay / : '失败 Fail' }).click();
  await page.waitForURL(/\/orders\/ord_[^/?]+$/);
}

/** The outcome of a fulfilled order: waits (the page follows the order) for the receipt number. */
export async function waitForReceipt(page: Page, lang: Lang): Promise<{ receipt: string; validUntil: string }> {
  const result = page.getByRole('status').filter({ hasText: TEXT[lang].fulfilled });
  const receiptLine = result.getByText(new RegExp(`^${TEXT[lang].receipt}: \\S+`));
  await receiptLine.waitFor({ timeout: 20_000 });
  const receipt = (await visibleText(receiptLine)).split(':').pop()?.trim() ?? '';
  const validUntil = isoDate(await visibleText(result.getByText(TEXT[lang].newExpiry)));
  return { receipt, validUntil };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Reads a date as the app writes it (2026年7月5日, July 5, 2026) as YYYY-MM-DD. */
export function isoDate(text: string): string {
  const zh = /(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(text);
  const en = /([A-Za-z]+) (\d{1,2}), (\d{4})/.exec(text);
  let parts: [number, number, number] | undefined;
  if (zh) parts = [Number(zh[1]), Number(zh[2]), Number(zh[3])];
  else if (en && MONTHS.includes((en[1] ?? '').toLowerCase())) parts = [Number(en[3]), MONTHS.indexOf((en[1] ?? '').toLowerCase()) + 1, Number(en[2])];
  if (!parts) throw new Error(`no date in "${text}"`);
  const [y, m, d] = parts;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A calendar date plus whole months, the day kept or clamped to the month's end (01-31 → 02-28): an oracle independent of the server's. */
export function plusMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Presses Tab until `target` has the focus; how many presses it took. */
export async function tabTo(page: Page, target: Locator, most = 25): Promise<number> {
  for (let presses = 1; presses <= most; presses++) {
    await page.keyboard.press('Tab');
    if (await isFocused(page, target)) return presses;
  }
  throw new Error(`Tab never reached ${target} in ${most} presses`);
}

export async function isFocused(page: Page, target: Locator): Promise<boolean> {
  return (await target.and(page.locator(':focus')).count()) === 1;
}

/** What the page-side function below reads of an element (the tests' tsconfig has no DOM library). */
interface StyledElement {
  ownerDocument: { defaultView: { getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string } } };
}

/** The focused element shows it (an outline or a ring), as keyboard users need. */
export async function expectVisibleFocus(target: Locator): Promise<void> {
  const ring = await target.evaluate((element) => {
    const style = (element as unknown as StyledElement).ownerDocument.defaultView.getComputedStyle(element);
    return { outline: style.outlineStyle === 'none' ? 0 : Number.parseFloat(style.outlineWidth), shadow: style.boxShadow };
  });
  expect(ring.outline > 0 || ring.shadow !== 'none', `no visible focus on ${target}`).toBe(true);
}

/**
 * Codes that mean something to the program, never to a reader: order statuses, plan and
 * method codes, usernames, ISO timestamps. (`renewal`, the service code, is an English word
 * too, so it is looked for on Chinese pages only.)
 */
const RAW_CODES: RegExp[] = [
  /\bpending_payment\b/,
  /\brefund_pending\b/,
  /\bfulfilled\b/,
  /\bsandbox\b/,
  /\b[ym]\d{1,2}\b/,
  /\bdemo\.(clerk|super|admin)\b/,
  /\d{4}-\d\d-\d\dT\d\d:/,
];
const RAW_CODES_ZH: RegExp[] = [/\brenewal\b/, /\benquiry\b/, /\brefunded\b/, /\bexpired\b/, /\bcancelled\b/];

/** The page's whole visible text shows names, never raw codes. */
export async function expectNoRawCodes(page: Page, lang: Lang): Promise<void> {
  const text = await visibleText(page.locator('body'));
  for (const code of lang === 'zh-CN' ? [...RAW_CODES, ...RAW_CODES_ZH] : RAW_CODES) {
    expect(text, `${page.url()} (${lang}) shows ${code}`).not.toMatch(code);
  }
}

/**
 * The page's header fits its width: no text in it is cut off (an ellipsis or overflow) and
 * its controls — the brand, the links, the buttons — take at most two rows. A line under
 * the brand (who is signed in) is not a row of its own. A page without a header passes.
 */
export async function expectHeaderFits(page: Page): Promise<void> {
  const header = page.locator('header').first();
  if ((await header.count()) === 0) return;
  const layout = await header.evaluate((bar) => {
    type Box = { top: number; bottom: number; right: number };
    // Typed by hand: the tests' tsconfig has no DOM library.
    type El = { scrollWidth: number; clientWidth: number; textContent: string | null; getBoundingClientRect(): Box; querySelectorAll(s: string): Iterable<El> };
    const root = bar as unknown as El;
    const all = Array.from(root.querySelectorAll('*'));
    const clipped = all.filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent ?? '');
    const viewport = (globalThis as unknown as { innerWidth: number }).innerWidth;
    const outside = all.filter((el) => el.getBoundingClientRect().right > viewport + 1).map((el) => el.textContent ?? '');
    const controls = Array.from(root.querySelectorAll(':scope > .brand, :scope > nav, :scope > button'), (el) => {
      const { top, bottom, right } = el.getBoundingClientRect();
      return { top, bottom, right };
    });
    const rows: Box[] = [];
    for (const box of controls.sort((a, b) => a.top - b.top)) {
      const row = rows.find((r) => box.top < r.bottom && box.bottom > r.top);
      if (row) row.bottom = Math.max(row.bottom, box.bottom);
      else rows.push({ ...box });
    }
    return { clipped, outside, rows: rows.length };
  });
  expect(layout.clipped, `${page.url()}: header text cut off`).toEqual([]);
  expect(layout.outside, `${page.url()}: header text past the right edge`).toEqual([]);
  expect(layout.rows, `${page.url()}: header rows`).toBeLessThanOrEqual(2);
}
