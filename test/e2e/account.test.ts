/**
 * The optional account in the browser: ask for a code, read it from the demo's SMS outbox
 * (where a person reads it too), sign in, see My cards, add a card by its serial, change
 * its reminders, renew from the list, and sign out.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoSeriousA11yViolations } from './axe.js';
import { expectNoRawCodes, visibleText } from './pages.js';
import { type DemoServer, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO } from './texts.js';

/** The latest code sent to the number, from the console transport's file. */
async function codeFor(server: DemoServer, msisdn: string): Promise<string> {
  const file = path.join(server.dataDir, 'outbox', 'sms.jsonl');
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(file)) {
      // The server may be appending a batch right now: read only the lines it has finished.
      const text = fs.readFileSync(file, 'utf8');
      const lines = text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { to: string; text: string });
      const code = lines
        .filter((m) => m.to === msisdn)
        .map((m) => /\b(\d{6})\b/.exec(m.text)?.[1])
        .filter(Boolean)
        .at(-1);
      if (code) return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code for ${msisdn} in ${file}`);
}

describeBrowser('the account in the browser', () => {
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

  // One number per width: a number may ask for a code once a minute.
  for (const [i, viewport] of WIDTHS.entries()) {
    describe(`at ${viewport.width} px`, () => {
      let profile: BrowserContext;
      let page: Page;
      beforeAll(async () => {
        profile = await openProfile(browser, server, viewport, 'en-US');
        page = (await openTab(profile)).page;
      });
      afterAll(async () => {
        await profile?.close();
      });

      test('signs in with the code from the SMS outbox, manages cards and reminders, and signs out', async () => {
        const own = i === 0 ? DEMO.active : DEMO.hongKong;
        const other = DEMO.grace;
        const unpaid = await fetch(`${server.url}/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `account-e2e-${i}` },
          body: JSON.stringify({ msisdn: own.msisdn, iccid: own.iccid, plan: 'm1', payment: 'sandbox' }),
        });
        expect(unpaid.status).toBe(201);
        await page.goto('/account');
        await page.getByLabel('Phone number').fill(own.msisdn);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, 'account-en-1-sign-in');
        await page.getByRole('button', { name: 'Send code' }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toContain(own.msisdn);
        const code = await codeFor(server, own.msisdn);
        await page.getByLabel('Code from the SMS').fill(code);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, 'account-en-2-code');
        await page.getByRole('button', { name: 'Sign in' }).click();

        await page.getByRole('heading', { name: 'My cards' }).waitFor();
        await expect.poll(() => page.locator('.my-card').count()).toBe(1);
        // An order left unpaid is listed by its status's name, in either language.
        await expect.poll(() => visibleText(page.locator('.orders'))).toContain('Awaiting payment');
        await expectNoRawCodes(page, 'en');
        await page.getByRole('button', { name: '中文', exact: true }).click();
        await expect.poll(() => visibleText(page.locator('.orders'))).toContain('待支付');
        await expectNoRawCodes(page, 'zh-CN');
        await expectNoSeriousA11yViolations(page);
        await shoot(page, 'account-zh-CN-3-orders');
        await page.getByRole('button', { name: 'English', exact: true }).click();
        await page.getByRole('heading', { name: 'My cards' }).waitFor();
        await page.getByText('Add a card').click();
        const add = page.locator('.add-card');
        await add.getByLabel('Phone number').fill(other.msisdn);
        await add.getByLabel('SIM serial (ICCID)').fill(other.iccid.slice(-6));
        await add.getByRole('button', { name: 'Add' }).click();
        await expect.poll(() => page.locator('.my-card').count()).toBe(2);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, 'account-en-3-my-cards');

        const second = page.locator('.my-card').nth(1);
        await second.getByText('Expiry reminders').click();
        await second.getByLabel('Remind me by').selectOption('email');
        await second.getByLabel('Email address').fill('li@example.com');
        await second.getByRole('button', { name: 'Save' }).click();
        await expect.poll(() => second.getByRole('status').textContent()).toBe('Saved.');
        await expectNoSeriousA11yViolations(page);
        await shoot(page, 'account-en-4-reminders');

        await second.getByRole('button', { name: 'Renew' }).click();
        await page.waitForURL('**/card');
        await page.getByText(other.msisdn.slice(-4)).first().waitFor(); // the card page of that card

        await page.goto('/account');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Send code' }).waitFor();
      });
    });
  }
});
