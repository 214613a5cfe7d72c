/**
 * Alipay over HTTP against a fake Alipay that checks simkeep's RSA2 request signature by
 * Alipay's rules and signs its notifications with its own key: the checkout URL (page pay
 * on a computer, wap pay on a phone), the notification answered `success`, refusals
 * without a write, duplicates, a wrong amount, and the method appearing only when enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import type { AlipayCheckout } from '../support/fake-gateways.js';
import { cardOf, orderById, placeOrder } from '../support/flows.js';
import { newCard, newOperator, newPlan } from '../support/harness.js';
import { configure, DESKTOP, eventsOf, openCheckout, PHONE, type ProviderHarness, providerOrder, startProviderHarness } from '../support/provider-flows.js';

describe.each(DIALECTS)('Alipay on %s', (dialect) => {
  let ph: ProviderHarness;
  beforeAll(async () => {
    ph = await startProviderHarness(dialect);
    const saved = await configure(ph.h, 'alipay', ph.fake.alipay.settings());
    expect(saved.status).toBe(200);
  });
  afterAll(() => ph.close());

  /** An order paid by Alipay, taken through our checkout to the fake gateway, which accepted it. */
  async function checkedOut(userAgent = DESKTOP) {
    const { card, order } = await providerOrder(ph.h, 'alipay');
    expect(order.payment).toMatchObject({ provider: 'alipay', checkoutUrl: `/pay/alipay/${order.payment.id}` });
    const start = await openCheckout(ph.h, `${order.payment.checkoutUrl}?return=${encodeURIComponent(`/orders/${order.id}`)}`, userAgent);
    expect(start.status).toBe(303);
    const location = String(start.headers.location);
    expect(location.startsWith(`${ph.fake.url}/gateway.do?`)).toBe(true);
    const cashier = await fetch(location);
    expect(cashier.status, await cashier.clone().text()).toBe(200);
    const checkout = ph.fake.alipay.checkouts.at(-1) as AlipayCheckout;
    expect(checkout.biz.out_trade_no).toBe(order.payment.id);
    return { card, order, checkout };
  }

  it('sends a computer to alipay.trade.page.pay with a signed URL, and fulfils on TRADE_SUCCESS answered `success`', async () => {
    const { card, order, checkout } = await checkedOut();
    expect(checkout.method).toBe('alipay.trade.page.pay');
    expect(checkout.biz).toMatchObject({ total_amount: '8.00', product_code: 'FAST_INSTANT_TRADE_PAY' });
    expect(checkout.params.notify_url).toBe('https://renew.example.test/v1/payments/alipay/notify/demo');
    expect(checkout.params.return_url).toBe(
      `https://renew.example.test/pay/alipay/${order.payment.id}/return?return=${encodeURIComponent(`/orders/${order.id}`)}`,
    );

    const body = ph.fake.alipay.notification(checkout);
    expect(await ph.fake.alipay.notify(checkout, body)).toEqual({ status: 200, body: 'success' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'fulfilled', payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
    const [stored] = await eventsOf(ph.h, order.payment.id);
    expect(stored).toMatchObject({ provider: 'alipay', type: 'payment.succeeded', raw_body: body });
    expect(stored?.event_id).toMatch(/^2026112422001\d{9}:TRADE_SUCCESS$/);

    // Alipay's return (GET with its own fields) lands on the order page; a paid checkout does too.
    const back = await ph.h.request({
      method: 'GET',
      url: `/pay/alipay/${order.payment.id}/return?return=%2Forders%2F${order.id}&out_trade_no=${order.payment.id}&sign=x`,
    });
    expect(back).toMatchObject({ status: 303, headers: { location: `/orders/${order.id}` } });
    expect((await openCheckout(ph.h, order.payment.checkoutUrl)).headers.location).toBe(`/orders/${order.id}`);
  });

  it('sends a phone to alipay.trade.wap.pay (QUICK_WAP_WAY), or a computer when device=mobile says so', async () => {
    expect((await checkedOut(PHONE)).checkout).toMatchObject({ method: 'alipay.trade.wap.pay', biz: { product_code: 'QUICK_WAP_WAY' } });
    const { order } = await providerOrder(ph.h, 'alipay');
    const start = await openCheckout(ph.h, `${order.payment.checkoutUrl}?device=mobile`, DESKTOP);
    expect(new URL(String(start.headers.location)).searchParams.get('method')).toBe('alipay.trade.wap.pay');
  });

  it.each([
    ['a field changed after signing', (body: string) => body.replace('total_amount=8.00', 'total_amount=0.01'), 'signature_invalid'],
    ['no sign', (body: string) => body.replace(/&?sign=[^&]*/, ''), 'signature_missing'],
    ['signed by another key', (_body: string, checkout: AlipayCheckout, other: (c: AlipayCheckout) => string) => other(checkout), 'signature_invalid'],
  ])('refuses a notification with %s: not `success` (so Alipay retries), nothing written', async (_what, tamper, code) => {
    const { card, order, checkout } = await checkedOut();
    const forged = (c: AlipayCheckout) => {
      const real = ph.fake.alipay.alipay;
      (ph.fake.alipay as { alipay: unknown }).alipay = ph.fake.alipay.app; // signs with a key Alipay does not own
      try {
        return ph.fake.alipay.notification(c);
      } finally {
        (ph.fake.alipay as { alipay: unknown }).alipay = real;
      }
    };
    const delivered = await ph.fake.alipay.notify(checkout, tamper(ph.fake.alipay.notification(checkout), checkout, forged));
    expect(delivered.status).toBe(400);
    expect(JSON.parse(delivered.body)).toMatchObject({ error: { code } });
    expect(await eventsOf(ph.h, order.payment.id)).toEqual([]);
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'pending' } });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });

  it('refuses a correctly signed notification of another application or seller (the spec’s checks)', async () => {
    const { order, checkout } = await checkedOut();
    for (const overrides of [{ app_id: '2021000999888777' }, { seller_id: '2088999888777666' }] as Record<string, string>[]) {
      const delivered = await ph.fake.alipay.notify(checkout, ph.fake.alipay.notification(checkout, overrides));
      expect(delivered.status).toBe(400);
      expect(JSON.parse(delivered.body)).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect(await eventsOf(ph.h, order.payment.id)).toEqual([]);
  });

  it('answers `success` to a repeated notification and to TRADE_FINISHED after TRADE_SUCCESS, extending the card once', async () => {
    const { card, order, checkout } = await checkedOut();
    const body = ph.fake.alipay.notification(checkout);
    for (let i = 0; i < 3; i++) expect(await ph.fake.alipay.notify(checkout, body)).toEqual({ status: 200, body: 'success' });
    const tradeNo = new URLSearchParams(body).get('trade_no') as string;
    const finished = ph.fake.alipay.notification(checkout, { trade_no: tradeNo, trade_status: 'TRADE_FINISHED' });
    expect(await ph.fake.alipay.notify(checkout, finished)).toEqual({ status: 200, body: 'success' });
    expect((await eventsOf(ph.h, order.payment.id)).map((e) => e.event_id)).toEqual([`${tradeNo}:TRADE_FINISHED`, `${tradeNo}:TRADE_SUCCESS`].sort());
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
  });

  it('flags a total_amount other than the order’s as payment_mismatch (yuan read exactly: 7.99 is 799 fen)', async () => {
    const { card, order, checkout } = await checkedOut();
    expect(await ph.fake.alipay.notify(checkout, ph.fake.alipay.notification(checkout, { total_amount: '7.99' }))).toEqual({ status: 200, body: 'success' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'refund_pending', payment: { status: 'mismatch', flag: 'payment_mismatch' } });
    const payment = await ph.h.services.db.kysely.selectFrom('payments').selectAll().where('id', '=', order.payment.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ paid_amount: 799, paid_currency: 'CNY' });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });

  it('keeps a WAIT_BUYER_PAY notification without changing the payment', async () => {
    const { order, checkout } = await checkedOut();
    expect(await ph.fake.alipay.notify(checkout, ph.fake.alipay.notification(checkout, { trade_status: 'WAIT_BUYER_PAY' }))).toEqual({
      status: 200,
      body: 'success',
    });
    expect(await eventsOf(ph.h, order.payment.id)).toHaveLength(1);
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'pending' } });
  });

  it('offers Alipay only to operators that enabled it: storefront, lookup, order creation', async () => {
    await newOperator(ph.h, { code: 'other', name: 'Other Mobile' });
    await newPlan(ph.h, {}, 'other');
    const card = await newCard(ph.h, '2027-01-31', 'other');
    const lookup = await ph.h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
    expect(lookup.body.paymentMethods).toEqual(['sandbox']);
    const refused = await placeOrder(ph.h, card, 'm1', { payment: 'alipay' });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'payment_method_unavailable', details: { available: ['sandbox'] } } } });
    expect((await ph.h.request({ method: 'GET', url: '/v1/storefront' })).body.paymentMethods).toEqual(['sandbox', 'alipay']);

    // Switched off (the secret sent back as ***): gone for new orders; an unknown method is refused as before.
    expect((await configure(ph.h, 'alipay', { ...ph.fake.alipay.settings(), privateKey: '***' }, false)).status).toBe(200);
    const demoCard = await newCard(ph.h, '2027-01-31');
    expect((await placeOrder(ph.h, demoCard, 'm1', { payment: 'alipay' })).body.error.code).toBe('payment_method_unavailable');
    expect((await placeOrder(ph.h, demoCard, 'm1', { payment: 'paypal' })).body.error.code).toBe('payment_method_unavailable');
    expect((await configure(ph.h, 'alipay', { ...ph.fake.alipay.settings(), privateKey: '***' })).status).toBe(200);
    // The stored key still signs: the fake gateway accepts the checkout.
    await checkedOut();
  });
});
