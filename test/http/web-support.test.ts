/**
 * The routes the web app stands on, over HTTP on both databases: the storefront, finding
 * an order by its receipt, the order's calendar entry, the checkout's return path, the
 * app's pages. How the built files and the CJK subset are sent: static-assets.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoot } from '../../src/http/web-app.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, placeOrder, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

describe.each(DIALECTS)('web app support on %s', (dialect) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_LOOKUP_MAX_PER_IP: '3' });
    await newOperator(h, { displayName: 'Demo Mobile', brandColor: '#c8102e' });
    await newPlan(h);
  });

  afterAll(async () => {
    await h.close();
  });

  it('tells the app whose brand to show and how one can pay', async () => {
    expect((await h.request({ method: 'GET', url: '/v1/storefront' })).body).toEqual({
      operator: { code: 'demo', name: 'Demo Mobile', brandColor: '#c8102e', currency: 'CNY' },
      paymentMethods: ['sandbox'],
    });
  });

  it('finds an order by receipt number and the last 4 digits, and counts wrong guesses', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'm1');
    const receipt = (await h.request({ method: 'GET', url: `/v1/orders/${order.id}` })).body.receipt.number as string;
    const find = (last4: string, number = receipt) => h.request({ method: 'POST', url: '/v1/orders/find', payload: { receipt: number, last4 } });
    expect((await find(card.msisdn.slice(-4), receipt.toLowerCase())).body).toEqual({ id: order.id });
    const wrong = card.msisdn.slice(-4) === '0000' ? '1111' : '0000';
    expect((await find(wrong)).body.error.code).toBe('order_not_found');
    expect((await find(card.msisdn.slice(-4), 'DEMO-2026-999999')).body.error.code).toBe('order_not_found');
    expect((await find(wrong)).body.error.code).toBe('order_not_found');
    // Three failures from this address: it is locked out, even with the right digits.
    const locked = await find(card.msisdn.slice(-4));
    expect(locked).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } });
    expect((await h.request({ method: 'POST', url: '/v1/orders/find', payload: { receipt, last4: '12a4' } })).status).toBe(400);
    h.clock.advance(16 * 60_000); // the lockout ends with the window
    expect((await find(card.msisdn.slice(-4))).body).toEqual({ id: order.id });
  });

  it("gives a fulfilled order's new expiry as a calendar entry with a week's alarm", async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'm1');
    const ics = await h.request({ method: 'GET', url: `/v1/orders/${order.id}/calendar.ics` });
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(ics.raw).toContain('DTSTART;VALUE=DATE:20270228');
    expect(ics.raw).toContain('TRIGGER:-P7D');
    const pending = (await placeOrder(h, await newCard(h, '2027-01-31'), 'm1')).body;
    expect((await h.request({ method: 'GET', url: `/v1/orders/${pending.id}/calendar.ics` })).body.error.code).toBe('order_not_found');
  });

  it('sends the payer back to a path of this site after the sandbox checkout, never elsewhere', async () => {
    const order = (await placeOrder(h, await newCard(h, '2027-01-31'), 'm1')).body;
    const pay = (back: string) => h.request({ method: 'POST', url: `/pay/sandbox/${order.payment.id}/pay?return=${encodeURIComponent(back)}` });
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) expect((await pay(evil)).status).toBe(400);
    const page = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}?return=${encodeURIComponent(`/orders/${order.id}`)}` });
    expect(page.raw).toContain(`action="/pay/sandbox/${order.payment.id}/pay?return=${encodeURIComponent(`/orders/${order.id}`)}"`);
    const paid = await pay(`/orders/${order.id}`);
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`/orders/${order.id}`);
  });

  // `npm test` builds the app first; these need dist/web.
  it.skipIf(!webRoot())("answers the app's pages with the app, and keeps JSON 404s for the API", async () => {
    const page = await h.request({ method: 'GET', url: '/orders/ord_x', headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.raw).toContain('<div id="root"></div>');
    const api = await h.request({ method: 'GET', url: '/v1/nope', headers: { accept: 'text/html' } });
    expect(api).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await h.request({ method: 'GET', url: '/orders/ord_x' })).status).toBe(404); // not a browser
  });
});
