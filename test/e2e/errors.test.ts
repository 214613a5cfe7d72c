/**
 * What a subscriber is told when something goes wrong, in Chinese and in English (here
 * chosen by the browser's own language), on a phone and a desktop: a serial that is not
 * the card's, the recycled and the blocked card, a typo caught before any request, an
 * expired coupon, and a failed payment that can be paid again.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  cardPanel,
  cents,
  definition,
  forgetCard,
  isFocused,
  lookUp,
  openHome,
  quotedTotal,
  settleCheckout,
  startPayment,
  visibleText,
  waitForReceipt,
} from './pages.js';
import { type DemoServer, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, type Tab, WIDTHS } from './support.js';
import { DEMO, type Lang, TEXT } from './texts.js';

const BROWSER_LOCALE: Record<Lang, string> = { 'zh-CN': 'zh-CN', en: 'en-US' };

/** A message meant for people: no error code, no stack trace, no JSON. */
function expectHumanWords(text: string): void {
  expect(text).not.toMatch(/[a-z]+_[a-z_]+/);
  expect(text).not.toMatch(/\bat \S+:\d+|Error:|[{}]/);
}

describeBrowser('what the web app says when something goes wrong', () => {
  let browser: Browser;
  let server: DemoServer;
  beforeAll(async () => {
    // Several failed look-ups per number and per language and width: keep under the anti-probing limits.
    server = await startDemoServer({ SIMKEEP_LOOKUP_MAX_PER_MSISDN: '1000' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of ['zh-CN', 'en'] as const satisfies Lang[]) {
    for (const viewport of WIDTHS) {
      describe(`${lang} at ${viewport.width} px`, () => {
        const words = TEXT[lang];
        let profile: BrowserContext;
        let tab: Tab;
        let page: Page;
        const shot = async (name: string) => {
          await expectNoSeriousA11yViolations(page);
          return shoot(page, `errors-${lang}-${name}`);
        };
        // One tab for these tests: a page loaded again in the same tab reuses the decoded fonts.
        beforeAll(async () => {
          profile = await openProfile(browser, server, viewport, BROWSER_LOCALE[lang]);
          tab = await openTab(profile);
          page = tab.page;
        });
        afterAll(async () => {
          await profile?.close();
        });

        /** The home page, no card remembered from the test before. */
        async function home(): Promise<void> {
          await forgetCard(page);
          await openHome(page, lang);
        }

        async function done(): Promise<void> {
          expect(tab.pageErrors.splice(0)).toEqual([]);
        }

        test("a serial that is not the number's card", async () => {
          await home();
          // A real, valid ICCID, but another card's.
          await lookUp(page, lang, { msisdn: DEMO.active.msisdn, iccid: DEMO.grace.iccid });
          const alert = page.getByRole('alert');
          await alert.filter({ hasText: words.cardNotFound }).waitFor();
          expect((await visibleText(alert)).trim()).toBe(words.cardNotFound);
          expectHumanWords(await visibleText(alert));
          expect(new URL(page.url()).pathname).toBe('/');
          await shot('wrong-serial');

          // The last 6 digits, of no card of this number.
          await page.getByLabel(words.iccid, { exact: true }).fill('123456');
          const answered = page.waitForResponse((response) => response.url().endsWith('/v1/cards/lookup'));
          await page.getByRole('button', { name: words.lookUp, exact: true }).click();
          expect((await answered).status()).toBe(404);
          await alert.filter({ hasText: words.cardNotFound }).waitFor();
          expect(await page.getByLabel(words.msisdn, { exact: true }).inputValue()).toBe(DEMO.active.msisdn);
          await done();
        });

        test('the recycled card says the number is gone and offers no renewal', async () => {
          await home();
          await lookUp(page, lang, DEMO.recycled);
          const panel = cardPanel(page, lang);
          await panel.getByText(words.recycled, { exact: true }).waitFor();
          await panel.getByText(words.recycledMeaning).waitFor();
          expect(await page.getByRole('radio').count()).toBe(0);
          expect(await page.getByRole('button', { name: words.pay }).count()).toBe(0);
          await shot('recycled');
          await done();
        });

        test('the blocked card says it cannot be renewed online', async () => {
          await home();
          await lookUp(page, lang, DEMO.blocked);
          const panel = cardPanel(page, lang);
          await panel.getByText(words.blocked, { exact: true }).waitFor();
          await panel.getByText(words.blockedMeaning).waitFor();
          expect(await page.getByRole('radio').count()).toBe(0);
          expect(await page.getByRole('button', { name: words.pay }).count()).toBe(0);
          await shot('blocked');
          await done();
        });

        test('a typo in the check digit is caught as it is typed, before any request', async () => {
          await home();
          const lookups: string[] = [];
          const watch = (request: Request) => {
            if (request.url().includes('/v1/cards/')) lookups.push(request.url());
          };
          page.on('request', watch);
          const typo = `${DEMO.active.iccid.slice(0, -1)}${(Number(DEMO.active.iccid.slice(-1)) + 1) % 10}`;
          await page.getByLabel(words.msisdn, { exact: true }).fill(DEMO.active.msisdn);
          const iccid = page.getByLabel(words.iccid, { exact: true });
          await iccid.fill(typo);
          await iccid.blur();
          const problem = page.getByText(words.iccidCheck, { exact: true });
          await problem.waitFor();
          expect(await iccid.getAttribute('aria-invalid')).toBe('true');
          const problemId = await problem.getAttribute('id');
          expect(problemId).toBeTruthy();
          expect((await iccid.getAttribute('aria-describedby'))?.split(' ')).toContain(problemId);
          // The problem sits in a live region (announced as it appears); a refused submit
          // says so in an alert naming the field, and the focus goes to that field.
          expect(await problem.locator('xpath=ancestor::*[@aria-live="polite"]').count()).toBe(1);
          await page.getByRole('button', { name: words.lookUp, exact: true }).click();
          await problem.waitFor();
          await page.getByRole('alert').filter({ hasText: words.iccid }).waitFor();
          await expect.poll(() => isFocused(page, iccid)).toBe(true);
          expect(new URL(page.url()).pathname).toBe('/');
          page.off('request', watch);
          expect(lookups).toEqual([]);
          await shot('iccid-typo');
          await done();
        });

        test('an expired coupon says so, and the price stays without it', async () => {
          await home();
          await lookUp(page, lang, DEMO.active);
          await page.waitForURL(/\/card$/);
          const listPrice = await quotedTotal(page, lang);
          const coupon = page.getByLabel(words.coupon, { exact: true });
          await coupon.fill('SUMMER');
          await page.getByRole('button', { name: words.apply, exact: true }).click();
          const problem = page.getByRole('alert').filter({ hasText: words.couponExpired });
          await problem.waitFor();
          expect((await visibleText(problem)).trim()).toBe(words.couponExpired);
          expect(await coupon.getAttribute('aria-invalid')).toBe('true');
          expect(await definition(page.getByLabel(words.breakdown), words.couponDiscount.replace('SAVE5', 'SUMMER')).count()).toBe(0);
          expect(await quotedTotal(page, lang)).toBe(listPrice);
          expect(cents(await visibleText(page.getByRole('button', { name: words.pay })))).toBe(listPrice);
          await shot('coupon-expired');
          await done();
        });

        test('a failed payment says so and can be paid again', async () => {
          await home();
          await lookUp(page, lang, DEMO.active);
          await page.waitForURL(/\/card$/);
          await startPayment(page, lang);
          await settleCheckout(page, 'fail');
          const failed = page.getByRole('alert').filter({ hasText: words.paymentFailed });
          await failed.waitFor({ timeout: 15_000 });
          expectHumanWords(await visibleText(failed));
          await shot('payment-failed');

          await page.getByRole('link', { name: words.payAgain, exact: true }).click();
          await page.waitForURL(/\/pay\/sandbox\//);
          await page.getByRole('alert').filter({ hasText: 'Payment failed; you may try again.' }).waitFor();
          await shot('payment-retry-checkout');
          await settleCheckout(page, 'pay');
          const outcome = await waitForReceipt(page, lang);
          expect(outcome.receipt).toMatch(/^DEMO-\d{4}-\d{6}$/);
          await shot('payment-retry-result');
          await done();
        }, 60_000);
      });
    }
  }
});
