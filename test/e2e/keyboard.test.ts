/**
 * Keyboard and accessibility smoke checks (no axe): a renewal done with the keyboard only,
 * the focus always visible; and on every page, in both languages, every form control,
 * button and link has an accessible name and the page says its language.
 */
import fs from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  cents,
  expectVisibleFocus,
  forgetCard,
  isFocused,
  lookUp,
  openHome,
  quotedTotal,
  settleCheckout,
  startPayment,
  tabTo,
  visibleText,
  waitForReceipt,
} from './pages.js';
import { type DemoServer, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, type Tab, type Viewport, WIDTHS } from './support.js';
import { DEMO, type Lang, TEXT } from './texts.js';

/**
 * Visible controls without an accessible name, as Chromium's accessibility tree (through
 * Playwright's ARIA snapshot: `- button "Pay"`, or a bare `- button`) gives them.
 */
async function namelessControls(page: Page): Promise<string[]> {
  const nameless: string[] = [];
  for (const control of await page.locator('input:not([type=hidden]), select, textarea, button, [role=button], a[href]').all()) {
    if (!(await control.isVisible())) continue;
    const node = (await control.ariaSnapshot()).split('\n')[0] ?? '';
    if (!/^- [\w-]+ "[^"]*\S[^"]*"/.test(node))
      nameless.push(`${node} ← ${(await control.evaluate((element) => (element as unknown as { outerHTML: string }).outerHTML)).slice(0, 160)}`);
  }
  return nameless;
}

/** The same through Playwright's role queries, role by role. */
async function expectNamedByRole(page: Page): Promise<void> {
  for (const role of ['textbox', 'radio', 'checkbox', 'combobox', 'button', 'link'] as const) {
    const all = await page.getByRole(role).count();
    const named = await page.getByRole(role, { name: /\S/ }).count();
    expect(named, `${role} elements with a name on ${page.url()}`).toBe(all);
  }
}

async function expectAccessibleControls(page: Page): Promise<void> {
  expect(await namelessControls(page), `controls without a name on ${page.url()}`).toEqual([]);
  await expectNamedByRole(page);
}

describeBrowser('keyboard and accessibility', () => {
  let browser: Browser;
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  // One tab per language for all its checks: a page loaded again in the same tab reuses the decoded fonts.
  for (const lang of ['zh-CN', 'en'] as const satisfies Lang[]) {
    describe(lang, () => {
      const words = TEXT[lang];
      let profile: BrowserContext;
      let tab: Tab;
      let page: Page;
      beforeAll(async () => {
        profile = await openProfile(browser, server, WIDTHS[0], lang === 'en' ? 'en-GB' : 'zh-CN');
        tab = await openTab(profile);
        page = tab.page;
      });
      afterAll(async () => {
        await profile?.close();
      });

      async function home(viewport: Viewport): Promise<void> {
        await page.setViewportSize(viewport);
        await forgetCard(page);
        await openHome(page, lang);
      }

      test('every control of home, its problems, and finding an order has a name', async () => {
        await home(WIDTHS[0]);
        await expectAccessibleControls(page);
        await page.getByRole('button', { name: words.lookUp, exact: true }).click();
        await page.locator('[aria-invalid="true"]').first().waitFor();
        await expectAccessibleControls(page);
        await page.goto('/find');
        await page.getByRole('heading', { level: 1 }).waitFor();
        await expectAccessibleControls(page);
        expect(tab.pageErrors.splice(0)).toEqual([]);
      });

      test('every control of the card, checkout, result and verification pages has a name', async () => {
        await home(WIDTHS[0]);
        await lookUp(page, lang, DEMO.hongKong);
        await page.waitForURL(/\/card$/);
        await page.getByLabel(words.breakdown).waitFor();
        await expectAccessibleControls(page);
        await startPayment(page, lang);
        await expectAccessibleControls(page);
        await settleCheckout(page, 'pay');
        await waitForReceipt(page, lang);
        await expectAccessibleControls(page);
        expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
        await page.getByRole('link', { name: words.verify, exact: true }).click();
        await page.waitForURL(/\/r\//);
        await expectAccessibleControls(page);
        expect(tab.pageErrors.splice(0)).toEqual([]);
      }, 60_000);

      // The walk on the phone in Chinese and on the desktop in English.
      const viewport = lang === 'zh-CN' ? WIDTHS[0] : WIDTHS[1];
      test(`a renewal with the keyboard only, at ${viewport.width} px`, async () => {
        await home(viewport);
        const msisdn = page.getByLabel(words.msisdn, { exact: true });
        const iccid = page.getByLabel(words.iccid, { exact: true });
        // Only the header's links and buttons come before the form.
        const header = await page.getByRole('banner').locator('a[href], button').count();
        expect(await tabTo(page, msisdn)).toBe(header + 1);
        await expectVisibleFocus(msisdn);
        await page.keyboard.type(DEMO.active.msisdn);
        await page.keyboard.press('Tab');
        expect(await isFocused(page, iccid)).toBe(true);
        await page.keyboard.type(DEMO.active.iccid);
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/card$/);

        // The chosen package takes the focus; an arrow key chooses the next one.
        const oneMonth = page.getByRole('radio', { name: new RegExp(`^${words.planNames[0]} `) });
        const threeMonths = page.getByRole('radio', { name: new RegExp(`^${words.planNames[1]} `) });
        await tabTo(page, oneMonth);
        await expectVisibleFocus(oneMonth);
        await page.keyboard.press('ArrowRight');
        expect(await threeMonths.isChecked()).toBe(true);
        const threeMonthPrice = cents(await visibleText(page.locator('label', { has: threeMonths })));
        await expect.poll(() => quotedTotal(page, lang)).toBe(threeMonthPrice);

        const coupon = page.getByLabel(words.coupon, { exact: true });
        await tabTo(page, coupon);
        await page.keyboard.type('SAVE5');
        await page.keyboard.press('Enter');
        await expect.poll(() => quotedTotal(page, lang)).toBe(threeMonthPrice - 500);

        const pay = page.getByRole('button', { name: words.pay });
        await tabTo(page, pay);
        await expectVisibleFocus(pay);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, `keyboard-${lang}-card-pay-focused`);
        const checkout = page.waitForURL(/\/pay\/sandbox\//);
        await page.keyboard.press('Enter');
        await checkout;

        const payNow = page.getByRole('button', { name: /^支付 Pay / });
        await tabTo(page, payNow);
        const orderPage = page.waitForURL(/\/orders\/ord_[^/?]+$/);
        await page.keyboard.press('Enter');
        await orderPage;
        await waitForReceipt(page, lang);

        const pdf = page.getByRole('link', { name: words.downloadPdf, exact: true });
        await tabTo(page, pdf);
        await expectVisibleFocus(pdf);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, `keyboard-${lang}-result-pdf-focused`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
        expect((await fs.readFile(await download.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(tab.pageErrors.splice(0)).toEqual([]);
      }, 60_000);
    });
  }
});
