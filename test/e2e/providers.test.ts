/**
 * A real provider in the browser: the operator configures Alipay (the fake gateway of the
 * tests, with its own keys), the card page offers 支付宝 next to the sandbox, and paying
 * goes to the gateway (which checks our RSA2 signature), back by its return URL, and on
 * to the receipt once the gateway's signed notification has reached the server. The same
 * for the bank card (UnionPay), whose checkout is a form our page submits by itself.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeGateways } from '../support/fake-gateways.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import { cardPanel, definition, isoDate, lookUp, openHome, plusMonths, visibleText, waitForReceipt } from './pages.js';
import { describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO, TEXT } from './texts.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const METHODS = {
  alipay: { name: '支付宝', cashier: 'Fake Alipay cashier', settings: (fake: FakeGateways) => fake.alipay.settings() },
  unionpay: { name: '银行卡（银联）', cashier: 'Fake UnionPay cashier', settings: (fake: FakeGateways) => fake.unionpay.settings() },
} as const;

describeBrowser('paying with a configured provider in the browser', () => {
  let browser: Browser;
  let fake: FakeGateways;
  beforeAll(async () => {
    browser = await launchBrowser();
    fake = await FakeGateways.start();
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  for (const [provider, method] of Object.entries(METHODS)) {
    const viewport = provider === 'alipay' ? WIDTHS[0] : WIDTHS[1];
    test(`${provider} at ${viewport.width} px: the method appears once configured; the gateway completes the payment`, async () => {
      const server = await startDemoServer({ SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN });
      let context: BrowserContext | undefined;
      try {
        const saved = await fetch(`${server.url}/v1/admin/operators/demo/payment-providers/${provider}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ enabled: true, settings: method.settings(fake) }),
        });
        expect(saved.status, await saved.clone().text()).toBe(200);

        context = await openProfile(browser, server, viewport, 'zh-CN');
        const { page, pageErrors } = await openTab(context);
        const words = TEXT['zh-CN'];
        await openHome(page, 'zh-CN');
        await lookUp(page, 'zh-CN', DEMO.expiringSoon);
        await page.waitForURL(/\/card$/);
        const validUntil = isoDate(await visibleText(definition(cardPanel(page, 'zh-CN'), words.validUntil)));
        const methods = page.getByRole('group', { name: '支付方式' });
        await methods.getByRole('radio', { name: method.name }).check();
        expect(await methods.getByRole('radio').count()).toBe(2);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, `provider-${provider}-1-card`);

        await page.getByRole('button', { name: words.pay }).click();
        await page.getByRole('heading', { name: method.cashier }).waitFor();
        expect(page.url().startsWith(fake.url)).toBe(true);
        await page.getByRole('button', { name: 'Pay now' }).click();
        await page.waitForURL(/\/orders\/ord_[^/?]+$/);
        const outcome = await waitForReceipt(page, 'zh-CN');
        expect(outcome.validUntil).toBe(plusMonths(validUntil, 1));
        expect(outcome.receipt).toMatch(/^DEMO-\d{4}-\d{6}$/);
        await expectNoSeriousA11yViolations(page);
        await shoot(page, `provider-${provider}-2-result`);
        expect(pageErrors).toEqual([]);
      } finally {
        await context?.close();
        await server.stop();
      }
    }, 90_000);
  }
});
