/**
 * The pages no other browser suite opens, under the server's content security policy
 * (issue #18): the API docs (Swagger UI, with an operation opened), and the sandbox
 * checkout and the receipt verification page reached from an order the API placed. Like
 * every suite here, a test fails when any page reports a policy violation (support.ts).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type DemoServer, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO } from './texts.js';

describeBrowser('pages beside the web app, under the content security policy', () => {
  let browser: Browser;
  let server: DemoServer;
  let context: BrowserContext;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startDemoServer()]);
    context = await openProfile(browser, server, WIDTHS[1], 'en-US');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  test('the API docs draw the operations and open one', async () => {
    const { page, pageErrors } = await openTab(context);
    const answer = await page.goto('/docs');
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    const lookup = page.locator('.opblock-summary', { hasText: '/v1/cards/lookup' }).first();
    await lookup.waitFor();
    await lookup.click();
    await page.getByRole('button', { name: 'Try it out' }).first().waitFor();
    await shoot(page, 'docs');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test('the sandbox checkout pays, and the receipt verification page says the receipt is genuine', async () => {
    const created = await fetch(`${server.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'headers-e2e' },
      body: JSON.stringify({ msisdn: DEMO.expiringSoon.msisdn, iccid: DEMO.expiringSoon.iccid, plan: 'm1', payment: 'sandbox' }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string; payment: { checkoutUrl: string } };
    const { page, pageErrors } = await openTab(context);
    await page.goto(order.payment.checkoutUrl);
    await page.getByRole('heading', { name: '沙盒支付 Sandbox checkout' }).waitFor();
    await shoot(page, 'sandbox-checkout');
    await page.getByRole('button', { name: /^支付 Pay / }).click();
    await page.getByText('续费成功 · Renewed until').waitFor();

    const paid = (await (await fetch(`${server.url}/v1/orders/${order.id}`)).json()) as { receipt: { verifyUrl: string } };
    await page.goto(paid.receipt.verifyUrl);
    await page.getByText('This receipt is genuine.').waitFor();
    await shoot(page, 'receipt-verification');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
