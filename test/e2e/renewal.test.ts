/**
 * The whole renewal of the demo card that expires soon, in Chinese (the browser's locale)
 * and in English (chosen with the visible switch), on a phone and a desktop: look up,
 * coupon, pay in the sandbox checkout, follow the order to its receipt, download the PDF
 * and the calendar entry, verify the receipt. Each run gets its own server and database,
 * since a renewal leaves the card no longer expiring soon.
 */
import fs from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  cardPanel,
  cents,
  definition,
  expectHeaderFits,
  expectNoRawCodes,
  isoDate,
  lookUp,
  openHome,
  plusMonths,
  quotedTotal,
  settleCheckout,
  startPayment,
  switchToEnglish,
  visibleText,
  waitForReceipt,
} from './pages.js';
import { describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO, type Lang, TEXT } from './texts.js';

async function downloaded(page: Page, link: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link, exact: true }).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: await fs.readFile(file) };
}

describeBrowser('renewing the expiring-soon demo card in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const satisfies Lang[]) {
    for (const viewport of WIDTHS) {
      test(`${lang} at ${viewport.width} px: look up, coupon, pay, receipt, calendar, verify`, async () => {
        const words = TEXT[lang];
        const card = DEMO.expiringSoon;
        const server = await startDemoServer();
        let context: BrowserContext | undefined;
        try {
          // The browser speaks Chinese either way: English is the subscriber's choice.
          context = await openProfile(browser, server, viewport, 'zh-CN');
          const { page, pageErrors } = await openTab(context);
          const shot = async (step: string) => {
            await expectNoSeriousA11yViolations(page);
            await expectHeaderFits(page);
            return shoot(page, `renewal-${lang}-${step}`);
          };
          await openHome(page, 'zh-CN');
          if (lang === 'en') await switchToEnglish(page);
          await shot('1-home');

          await lookUp(page, lang, card);
          await page.waitForURL(/\/card$/);
          const panel = cardPanel(page, lang);
          await panel.getByText(words.expiring, { exact: true }).waitFor();
          await expect.poll(() => visibleText(panel)).toContain(card.masked);
          const validUntil = isoDate(await visibleText(definition(panel, words.validUntil)));
          const packages = page.getByRole('radiogroup', { name: words.packages });
          expect(await packages.getByRole('radio').count()).toBe(3);
          for (const name of words.planNames) await packages.getByRole('radio', { name: new RegExp(`^${name} `) }).waitFor();
          // The first package (one month) is chosen, and says the date it gives.
          const oneMonth = page.getByRole('radio', { name: new RegExp(`^${words.planNames[0]} `) });
          expect(await oneMonth.isChecked()).toBe(true);
          const expected = plusMonths(validUntil, 1);
          const oneMonthLabel = await visibleText(packages.locator('label', { has: oneMonth }));
          expect(isoDate(oneMonthLabel)).toBe(expected);
          const before = await quotedTotal(page, lang);
          expect(before).toBe(cents(oneMonthLabel));
          await expectNoRawCodes(page, lang);
          await shot('2-card');

          // The 12-month plan shows what the card pays with the automatic 10 % (¥79.20), the
          // list price struck through, and the promotion's name; so does its breakdown.
          const twelve = page.getByRole('radio', { name: new RegExp(`^${words.planNames[2]} `) });
          const twelveLabel = packages.locator('label', { has: twelve });
          expect(cents(await visibleText(twelveLabel.locator('.plan-price')))).toBe(7920);
          expect(cents(await visibleText(twelveLabel.locator('s')))).toBe(8800);
          expect(await visibleText(twelveLabel)).toContain(words.automaticPromotion);
          await twelve.check();
          const offerBreakdown = page.getByLabel(words.breakdown);
          await definition(offerBreakdown, words.automaticPromotion).waitFor();
          expect(cents(await visibleText(definition(offerBreakdown, words.automaticPromotion)))).toBe(880);
          expect(cents(await visibleText(definition(offerBreakdown, words.listPrice)))).toBe(8800);
          await expect.poll(() => quotedTotal(page, lang)).toBe(7920);
          await shot('2b-offer');
          await oneMonth.check();
          await expect.poll(() => quotedTotal(page, lang)).toBe(before);

          await page.getByLabel(words.coupon, { exact: true }).fill('SAVE5');
          await page.getByRole('button', { name: words.apply, exact: true }).click();
          const breakdown = page.getByLabel(words.breakdown);
          const discount = definition(breakdown, words.couponDiscount);
          await discount.waitFor();
          expect(cents(await visibleText(discount))).toBe(500);
          const after = await quotedTotal(page, lang);
          expect(after).toBe(before - 500);
          expect(isoDate(await visibleText(definition(breakdown, words.validUntil)))).toBe(expected);
          expect(cents(await visibleText(page.getByRole('button', { name: words.pay })))).toBe(after);
          await expectNoRawCodes(page, lang);
          await shot('3-coupon');

          await startPayment(page, lang);
          await page.getByText(card.masked).waitFor();
          expect(cents(await visibleText(page.getByRole('button', { name: /^支付 Pay / })))).toBe(after);
          await shot('4-checkout');

          await settleCheckout(page, 'pay');
          const outcome = await waitForReceipt(page, lang);
          expect(outcome.validUntil).toBe(expected);
          expect(outcome.receipt).toMatch(/^DEMO-\d{4}-\d{6}$/);
          await expectNoRawCodes(page, lang);
          await shot('5-result');

          const pdf = await downloaded(page, words.downloadPdf);
          expect(pdf.name).toBe(`${outcome.receipt}.pdf`);
          expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

          const ics = await downloaded(page, words.calendar);
          expect(ics.name).toMatch(/\.ics$/);
          const calendar = ics.bytes.toString('utf8');
          expect(calendar).toContain('BEGIN:VCALENDAR');
          expect(calendar).toContain(`DTSTART;VALUE=DATE:${expected.replaceAll('-', '')}`);
          expect(calendar).toContain('TRIGGER:-P7D');

          await page.getByRole('link', { name: words.verify, exact: true }).click();
          await page.waitForURL(/\/r\/[^/?]+\?sig=/);
          // In the page's language: the plan's name, the dates written out, no codes.
          expect(await page.locator('html').getAttribute('lang')).toBe(lang);
          const verification = await visibleText(page.locator('body'));
          expect(verification).toContain(words.genuine);
          expect(verification).toContain(outcome.receipt);
          expect(verification).toContain(card.masked);
          expect(verification).not.toContain(card.msisdn);
          expect(verification).toContain(words.planNames[0]);
          expect(isoDate(verification)).toBe(expected);
          await expectNoRawCodes(page, lang);
          await shot('6-verify');

          expect(pageErrors).toEqual([]);
        } finally {
          await context?.close();
          await server.stop();
        }
      }, 90_000);
    }
  }
});
