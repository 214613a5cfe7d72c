/**
 * The pages in a Chromium that has no Chinese system font (issue #16, item 5): the home
 * page, the card page, the sandbox checkout and the receipt verification (server-rendered),
 * the order's result and the hall kiosk, at 390 and 1280 px, in zh-CN and en. Chinese text,
 * bold headings and buttons included, must be drawn with real glyphs (the app's subset
 * font) rather than boxes, and the home page's first load must stay under 300 KB on the
 * wire. With system CJK fonts the subset is never fetched. Screenshots under
 * artifacts/screenshots/nocjk/<width>/.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { lookUp, openHome, settleCheckout, startPayment, waitForReceipt } from './pages.js';
import { type DemoServer, demoHall, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO, type Lang, TEXT } from './texts.js';

const FIRST_LOAD_BUDGET = 300 * 1024;

/** Bytes on the wire (headers and compressed bodies) of every response the page gets, as Chromium counts them. */
async function countTransfer(page: Page): Promise<{ bytes(): number; urls: string[]; cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  let total = 0;
  const urls: string[] = [];
  const requested = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (event) => requested.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) => {
    total += event.encodedDataLength;
    urls.push(requested.get(event.requestId) ?? event.requestId);
  });
  await cdp.send('Network.enable');
  return { bytes: () => total, urls, cdp };
}

interface PlatformFont {
  familyName: string;
  isCustomFont: boolean;
  glyphCount: number;
}

/**
 * Per element matching `selector`: its CJK characters, and the fonts Chromium drew its text
 * with (CDP CSS.getPlatformFontsForNode), in the page as it stands: what a reader sees, not
 * what the CSS asks for.
 */
async function fontsDrawing(cdp: CDPSession, selector: string): Promise<{ cjk: number; fonts: PlatformFont[] }[]> {
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
  const result: { cjk: number; fonts: PlatformFont[] }[] = [];
  for (const nodeId of nodeIds) {
    // The fonts are those of the element's own text nodes, so count the characters of those only.
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
    const text = (node.children ?? [])
      .filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue)
      .join('');
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    result.push({ cjk: (text.match(CJK) ?? []).length, fonts: fonts as PlatformFont[] });
  }
  return result;
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/gu;

/**
 * In this browser Chinese can only come from the app's subset (Noto Sans SC, a web font): each
 * CJK character of the elements must be a glyph of it. A box is a glyph of some system font.
 */
async function expectChineseDrawnWithSubset(cdp: CDPSession, selectors: string[], mustHaveChinese = true): Promise<void> {
  for (const selector of selectors) {
    const elements = (await fontsDrawing(cdp, selector)).filter((element) => element.cjk > 0);
    if (mustHaveChinese) expect(elements.length, `no ${selector} with Chinese on the page`).toBeGreaterThan(0);
    for (const { cjk, fonts } of elements) {
      const subset = fonts.filter((font) => font.isCustomFont && font.familyName === 'Noto Sans SC');
      const drawn = fonts.map((font) => `${font.familyName}${font.isCustomFont ? ' (web)' : ''}: ${font.glyphCount}`).join(', ');
      expect(
        subset.reduce((sum, font) => sum + font.glyphCount, 0),
        `${selector}: ${cjk} CJK characters, drawn with ${drawn}`,
      ).toBeGreaterThanOrEqual(cjk);
    }
  }
}

/** Waits for the page's fonts, without the reshaping `shoot` does: the test sees what a reader sees. */
async function fontsSettled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
}

/** The bold the issue saw as boxes: the subset has both weights, so bold Chinese is a loaded 700 face. */
async function boldFaceLoaded(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const fonts = (
      globalThis as unknown as {
        document: { fonts: { check(font: string, text: string): boolean } & Iterable<{ family: string; weight: string; status: string }> };
      }
    ).document.fonts;
    const faces = [...fonts].filter((face) => face.family.replaceAll('"', '') === 'simkeep CJK');
    return faces.some((face) => face.weight === '700' && face.status === 'loaded') && fonts.check('bold 16px "simkeep CJK"', '续费');
  });
}

describeBrowser('pages in a browser without Chinese system fonts', () => {
  let browser: Browser;
  let server: DemoServer;
  let hall: string;
  beforeAll(async () => {
    browser = await launchBrowser({ cjkFonts: false });
    server = await startDemoServer();
    hall = await demoHall(server);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of ['zh-CN', 'en'] as const satisfies Lang[]) {
    for (const viewport of WIDTHS) {
      test(`${lang} at ${viewport.width} px: home (first load under 300 KB), card, checkout, result, receipt, kiosk`, async () => {
        let context: BrowserContext | undefined;
        const shot = (page: Page, step: string) => shoot(page, `${lang}-${step}`, 'nocjk');
        try {
          context = await openProfile(browser, server, viewport, lang);
          const { page, pageErrors } = await openTab(context);
          const transfer = await countTransfer(page);
          await openHome(page, lang);
          await fontsSettled(page);
          expect(transfer.bytes(), `first load: ${transfer.urls.join(', ')}`).toBeLessThan(FIRST_LOAD_BUDGET);
          expect(transfer.urls.some((url) => url.endsWith('.ttf'))).toBe(false);
          if (lang === 'zh-CN') {
            expect(await boldFaceLoaded(page)).toBe(true);
            await expectChineseDrawnWithSubset(transfer.cdp, ['h1', 'label', 'button[type="submit"]']);
          }
          await shot(page, '1-home');

          await lookUp(page, lang, DEMO.active);
          await page.waitForURL(/\/card$/);
          await page.getByRole('radiogroup', { name: TEXT[lang].packages }).waitFor();
          await fontsSettled(page);
          if (lang === 'zh-CN') await expectChineseDrawnWithSubset(transfer.cdp, ['h2', 'button']);
          await shot(page, '2-card');

          await startPayment(page, lang);
          await fontsSettled(page);
          // The checkout page is server-rendered, bilingual whatever the language, and uses the same subset.
          await expectChineseDrawnWithSubset(await page.context().newCDPSession(page), ['h1', 'button']);
          await shot(page, '3-checkout');

          await settleCheckout(page, 'pay');
          await waitForReceipt(page, lang);
          await fontsSettled(page);
          if (lang === 'zh-CN') await expectChineseDrawnWithSubset(await page.context().newCDPSession(page), ['h1', '[role="status"] *']);
          await shot(page, '4-result');

          await page.getByRole('link', { name: TEXT[lang].verify, exact: true }).click();
          await page.waitForURL(/\/r\/[^/?]+\?sig=/);
          await fontsSettled(page);
          // Its heading is in the reader's language; any Chinese on it must be drawn all the same.
          await expectChineseDrawnWithSubset(await page.context().newCDPSession(page), ['h1', 'dt', 'dd', 'p'], lang === 'zh-CN');
          await shot(page, '5-receipt');

          const kiosk = (await openTab(context)).page;
          await kiosk.goto(`/halls/${hall}/kiosk`);
          await kiosk.getByRole('heading', { level: 1 }).waitFor();
          await kiosk.waitForTimeout(500);
          await kiosk.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
          if (lang === 'zh-CN') await expectChineseDrawnWithSubset(await kiosk.context().newCDPSession(kiosk), ['h1', 'button']);
          await shot(kiosk, '6-kiosk');
          expect(pageErrors).toEqual([]);
        } finally {
          await context?.close();
        }
      }, 90_000);
    }
  }

  test('with system Chinese fonts, the home page never fetches the subset', async () => {
    const withFonts = await launchBrowser();
    try {
      const context = await openProfile(withFonts, server, WIDTHS[0], 'zh-CN');
      const { page } = await openTab(context);
      const transfer = await countTransfer(page);
      await openHome(page, 'zh-CN');
      await fontsSettled(page);
      expect(transfer.urls.filter((url) => /\.(woff2|ttf)$/.test(url))).toEqual([]);
      expect(transfer.bytes()).toBeLessThan(FIRST_LOAD_BUDGET - 100 * 1024);
      const drawn = (await fontsDrawing(transfer.cdp, 'h1'))[0]?.fonts.map((font) => font.familyName) ?? [];
      expect(drawn.some((family) => /Noto Sans CJK/.test(family))).toBe(true);
      await shoot(page, 'zh-CN-home-system-fonts', 'nocjk');
    } finally {
      await withFonts.close();
    }
  }, 60_000);
});
