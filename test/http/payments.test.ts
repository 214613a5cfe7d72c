/**
 * Payments over HTTP (domain-rules.md, "Orders and payments" and redemptions): duplicate
 * and repeated notifications, failures, mismatches, payments after expiry or cancellation,
 * notifications stored as received, coupon reservations, and the sandbox checkout page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signSandboxEvent } from '../../src/payments/sandbox-signature.js';
import { DIALECTS } from '../support/databases.js';
import { adminCard, cardOf, eventId, orderById, payFailed, paySucceeded, pendingOrder, placeOrder, quote, type TestCard } from '../support/flows.js';
import { DEFAULT_NOW, type Harness, newCard, newOperator, newPlan, newPromotion, notify, SANDBOX_ON, startHarness } from '../support/harness.js';

const MINUTE = 60_000;

describe.each(DIALECTS)('payments over HTTP on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set(DEFAULT_NOW));

  const receiptsOf = (orderId: string) => h.services.db.kysely.selectFrom('receipts').select('number').where('order_id', '=', orderId).execute();
  const eventsOf = (paymentId: string) =>
    h.services.db.kysely.selectFrom('payment_events').selectAll().where('payment_id', '=', paymentId).orderBy('received_at').orderBy('event_id').execute();
  const block = (card: TestCard) => h.admin('POST', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}/block`, { reason: 'lost' });

  it('processes a duplicate delivery of one event once, answering 200 both times', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    const id = eventId();
    for (let i = 0; i < 2; i++) expect(await paySucceeded(h, order, {}, id)).toMatchObject({ status: 200, body: { received: true } });
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', validUntilAfter: '2027-02-28' });
    expect((await cardOf(h, card)).validUntil).toBe('2027-02-28');
    expect(await receiptsOf(order.id)).toHaveLength(1);
  });

  it('extends once for two different success events of one payment', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect((await cardOf(h, card)).validUntil).toBe('2027-02-28');
    expect(await receiptsOf(order.id)).toHaveLength(1);
    expect(await eventsOf(order.payment.id)).toHaveLength(2); // both stored, one processed
  });

  it('records a failed attempt and leaves the order payable; a later success fulfils it', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    expect((await payFailed(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'pending_payment', payment: { id: order.payment.id, status: 'failed' } });
    expect((await cardOf(h, card)).validUntil).toBe('2027-01-31');
    const page = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}` });
    expect(page.raw).toContain('Payment failed');
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
  });

  it.each([
    ['amount', { amount: 799 }],
    ['currency', { currency: 'USD' }],
  ])('flags a payment whose %s differs as payment_mismatch: refund_pending, card unchanged, never fulfilled', async (_what, data) => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    expect(await paySucceeded(h, order, data)).toMatchObject({ status: 200, body: { received: true } });
    const seen = await orderById(h, order.id);
    expect(seen).toMatchObject({ status: 'refund_pending', payment: { status: 'mismatch', flag: 'payment_mismatch' } });
    expect(seen.receipt).toBeUndefined();
    expect((await cardOf(h, card)).validUntil).toBe('2027-01-31');
    // A correct notification after that does not fulfil it either.
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect((await orderById(h, order.id)).status).toBe('refund_pending');
    expect((await cardOf(h, card)).validUntil).toBe('2027-01-31');
    expect(await receiptsOf(order.id)).toEqual([]);
  });

  it('fulfils a payment arriving after the order expired, at the price the order carries', async () => {
    await newPlan(h, { code: 'p1', months: 1, price: 800 });
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'p1');
    expect(order.expiresAt).toBe('2026-11-24T12:30:00+08:00'); // SIMKEEP_ORDER_TTL_MINUTES defaults to 30
    h.clock.advance(29 * MINUTE);
    expect((await orderById(h, order.id)).status).toBe('pending_payment');
    h.clock.advance(2 * MINUTE);
    expect((await orderById(h, order.id)).status).toBe('expired');
    expect((await h.admin('PATCH', '/v1/admin/operators/demo/plans/p1', { price: 1200 })).status).toBe(200);
    expect((await quote(h, card, 'p1')).body.total).toBe(1200);
    expect((await paySucceeded(h, order, { amount: 800 })).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', total: 800, payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
  });

  it('fulfils a payment for an order the sweeper already stored as expired', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    h.clock.advance(45 * MINUTE);
    expect(await h.services.orders.expireOverdue()).toBeGreaterThanOrEqual(1);
    expect((await h.admin('GET', '/v1/admin/orders?status=expired')).body.orders.map((o: { id: string }) => o.id)).toContain(order.id);
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', validUntilAfter: '2027-02-28' });
  });

  it('sends a payment after expiry to refund_pending when the card was blocked meanwhile', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    h.clock.advance(40 * MINUTE);
    expect((await block(card)).status).toBe(200);
    expect((await paySucceeded(h, order)).status).toBe(200);
    const seen = await orderById(h, order.id);
    expect(seen).toMatchObject({ status: 'refund_pending', payment: { status: 'succeeded' } });
    expect(seen.receipt).toBeUndefined();
    expect((await adminCard(h, card.msisdn)).validUntil).toBe('2027-01-31');
    const page = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}` });
    expect(page.raw).toContain('refund');
  });

  it('sends a late payment to refund_pending when its plan would now end before today', async () => {
    await newPlan(h, { code: 'd7', months: undefined, days: 7, price: 300 });
    const card = await newCard(h, '2026-11-17'); // + 7 days = 2026-11-24: just enough today
    const order = await pendingOrder(h, card, 'd7');
    h.clock.advance(24 * 60 * MINUTE); // 2026-11-25: the result would be yesterday
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'refund_pending', payment: { status: 'succeeded' } });
    expect((await adminCard(h, card.msisdn)).validUntil).toBe('2026-11-17');
    expect(await receiptsOf(order.id)).toEqual([]);
  });

  it('fulfils a cancelled order that is paid later', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    const cancelled = await h.request({ method: 'POST', url: `/v1/orders/${order.id}/cancel` });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', validUntilAfter: '2027-02-28' });
    const again = await h.request({ method: 'POST', url: `/v1/orders/${order.id}/cancel` });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_pending');
  });

  it('stores every notification as received: the raw body byte for byte, its signature and type', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    const failedId = eventId();
    expect((await payFailed(h, order, failedId)).status).toBe(200);
    const succeededId = eventId();
    // Odd spacing and key order: what is stored is what came, not a re-serialisation.
    const raw = `{ "type":"payment.succeeded",\n  "data": {"currency":"CNY", "amount":800, "paymentId":"${order.payment.id}"}, "id":"${succeededId}" }`;
    const signature = signSandboxEvent(h.services.secrets.sandboxSecret, raw, Math.floor(h.clock.now().getTime() / 1000));
    const delivered = await h.request({
      method: 'POST',
      url: '/v1/payments/sandbox/webhook',
      headers: { 'content-type': 'application/json', 'simkeep-signature': signature },
      payload: raw,
    });
    expect(delivered.status).toBe(200);
    const events = await eventsOf(order.payment.id);
    expect(events.map((e) => [e.event_id, e.type])).toEqual(
      expect.arrayContaining([
        [failedId, 'payment.failed'],
        [succeededId, 'payment.succeeded'],
      ]),
    );
    const stored = events.find((e) => e.event_id === succeededId);
    expect(stored).toMatchObject({ provider: 'sandbox', raw_body: raw, signature });
    const failed = events.find((e) => e.event_id === failedId);
    expect(JSON.parse(failed?.raw_body ?? 'null')).toMatchObject({ id: failedId, type: 'payment.failed', data: { paymentId: order.payment.id } });
    expect((await orderById(h, order.id)).status).toBe('fulfilled');
  });

  it('reserves a coupon redemption at order creation and releases it on cancel and on expiry', async () => {
    const coupon = await newPromotion(h, { code: 'ONLY1', kind: 'amount', value: 100, maxRedemptions: 1 });
    const redemptions = async () => (await h.admin('GET', `/v1/admin/operators/demo/promotions/${coupon.id}`)).body.redemptions;
    const [a, b, c, d] = [await newCard(h, '2027-01-31'), await newCard(h, '2027-01-31'), await newCard(h, '2027-01-31'), await newCard(h, '2027-01-31')];
    const exhausted = async (card: TestCard) => {
      for (const res of [await quote(h, card, 'm1', 'only1'), await placeOrder(h, card, 'm1', { coupon: 'only1' })]) {
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'coupon_exhausted', details: { limit: 'maxRedemptions' } });
      }
    };

    const first = await pendingOrder(h, a, 'm1', { coupon: 'only1' });
    expect(first.total).toBe(700);
    expect(await redemptions()).toBe(1);
    await exhausted(b);

    expect((await h.request({ method: 'POST', url: `/v1/orders/${first.id}/cancel` })).status).toBe(200);
    expect(await redemptions()).toBe(0);
    const second = await pendingOrder(h, b, 'm1', { coupon: 'only1' });
    expect(second.total).toBe(700);
    await exhausted(c);

    h.clock.advance(31 * MINUTE); // the second order expires unpaid
    expect(await redemptions()).toBe(0);
    const third = await pendingOrder(h, c, 'm1', { coupon: 'ONLY1' });
    expect((await paySucceeded(h, third)).status).toBe(200);
    expect(await redemptions()).toBe(1);
    await exhausted(d);
  });

  it('serves the sandbox checkout page; its Pay button fulfils through the signed webhook', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    const page = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.raw).toContain('CNY 8.00');
    expect(page.raw).toContain(`action="/pay/sandbox/${order.payment.id}/pay"`);
    expect(page.raw).toContain(`action="/pay/sandbox/${order.payment.id}/fail"`);

    const paid = await h.request({
      method: 'POST',
      url: `/pay/sandbox/${order.payment.id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`/pay/sandbox/${order.payment.id}`);
    const fulfilled = await orderById(h, order.id);
    expect(fulfilled).toMatchObject({ status: 'fulfilled', payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
    expect(await eventsOf(order.payment.id)).toHaveLength(1);
    const after = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}` });
    expect(after.raw).toContain('2027-02-28');
    expect(after.raw).toContain(fulfilled.receipt.number);
    expect(after.raw).not.toContain(`action="/pay/sandbox/${order.payment.id}/pay"`);
  });

  it('records a failure from the checkout page’s Fail button; the order stays payable', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    const failed = await h.request({
      method: 'POST',
      url: `/pay/sandbox/${order.payment.id}/fail`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(failed.status).toBe(303);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'failed' } });
    expect((await cardOf(h, card)).validUntil).toBe('2027-01-31');
    const page = await h.request({ method: 'GET', url: `/pay/sandbox/${order.payment.id}` });
    expect(page.raw).toContain('Payment failed');
    expect(page.raw).toContain(`action="/pay/sandbox/${order.payment.id}/pay"`);
    expect((await h.request({ method: 'POST', url: `/pay/sandbox/${order.payment.id}/pay` })).status).toBe(303);
    expect((await orderById(h, order.id)).status).toBe('fulfilled');
  });

  it('answers 404 payment_not_found for the checkout page of an unknown payment', async () => {
    const res = await h.request({ method: 'GET', url: '/pay/sandbox/pay_unknown' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('payment_not_found');
  });
});

describe.each(DIALECTS)('order time-to-live on %s', (dialect) => {
  it('expires unpaid orders after SIMKEEP_ORDER_TTL_MINUTES', async () => {
    const h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_ORDER_TTL_MINUTES: '5' });
    try {
      await newOperator(h);
      await newPlan(h);
      const card = await newCard(h, '2027-01-31');
      const order = await pendingOrder(h, card, 'm1');
      expect(order.expiresAt).toBe('2026-11-24T12:05:00+08:00');
      h.clock.advance(5 * MINUTE - 1000);
      expect((await orderById(h, order.id)).status).toBe('pending_payment');
      h.clock.advance(1000);
      expect((await orderById(h, order.id)).status).toBe('expired');
      expect((await notify(h, { id: 'evt-late', type: 'payment.succeeded', data: { paymentId: order.payment.id, amount: 800, currency: 'CNY' } })).status).toBe(
        200,
      );
      expect((await orderById(h, order.id)).status).toBe('fulfilled');
    } finally {
      await h.close();
    }
  });
});
