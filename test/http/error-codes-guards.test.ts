/**
 * The two guards of api-v1.md in depth: idempotent order creation (replay, reuse, failed
 * requests not stored) and anti-probing (`too_many_attempts` per number and per IP, its
 * window and `Retry-After`). Each test uses its own cards and client IP, so they share
 * one harness.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import {
  DEFAULT_NOW,
  type Harness,
  idempotencyKey,
  newCard,
  newOperator,
  newPlan,
  newPromotion,
  notify,
  SANDBOX_ON,
  startHarness,
  uniqueMsisdn,
} from '../support/harness.js';

type Card = { msisdn: string; iccid: string };

describe.each(DIALECTS)('idempotency and anti-probing over HTTP on %s', (dialect) => {
  let h: Harness;
  const t0 = Date.parse(DEFAULT_NOW);
  const at = (seconds: number) => h.clock.set(new Date(t0 + seconds * 1000));

  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'y1', name: '12 months', months: 12, price: 8800 });
    await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
  });
  afterEach(() => h.clock.set(DEFAULT_NOW));
  afterAll(() => h?.close());

  const createOrder = (body: unknown, key: string | undefined, remoteAddress = '127.0.0.1') =>
    h.request({
      method: 'POST',
      url: '/v1/orders',
      remoteAddress,
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: JSON.stringify(body),
    });
  const ordersOf = (card: Card) =>
    h.services.db.kysely
      .selectFrom('orders as o')
      .innerJoin('cards as c', 'c.id', 'o.card_id')
      .select(['o.id', 'o.status'])
      .where('c.msisdn', '=', card.msisdn)
      .execute();
  const storedKey = (key: string) => h.services.db.kysely.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();

  describe('Idempotency-Key on POST /v1/orders', () => {
    it('replays the first response, status and JSON body, for the same key and body in any key order', async () => {
      const card = await newCard(h, '2027-01-31');
      const key = idempotencyKey();
      const first = await createOrder({ msisdn: card.msisdn, iccid: card.iccid, plan: 'y1', coupon: 'SAVE5', payment: 'sandbox' }, key);
      expect(first.status).toBe(201);
      const reordered = await createOrder({ payment: 'sandbox', coupon: 'SAVE5', plan: 'y1', iccid: card.iccid, msisdn: card.msisdn }, key);
      expect(reordered.status).toBe(201);
      expect(reordered.body).toEqual(first.body);
      expect(reordered.headers['idempotent-replayed']).toBe('true');
      expect(await ordersOf(card)).toEqual([{ id: first.body.id, status: 'pending_payment' }]);

      // Later, even after the order was paid, the key still answers the first response.
      const paid = await notify(h, {
        id: `evt-${first.body.id}`,
        type: 'payment.succeeded',
        data: { paymentId: first.body.payment.id, amount: first.body.total, currency: 'CNY' },
      });
      expect(paid.status).toBe(200);
      at(23 * 3600);
      const later = await createOrder({ iccid: card.iccid, msisdn: card.msisdn, payment: 'sandbox', plan: 'y1', coupon: 'SAVE5' }, key);
      expect({ status: later.status, body: later.body }).toEqual({ status: 201, body: first.body });
      expect(await ordersOf(card)).toEqual([{ id: first.body.id, status: 'fulfilled' }]);
      const redemptions = await h.services.db.kysely
        .selectFrom('redemptions')
        .select('order_id')
        .where('card_id', '=', (await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', card.msisdn).executeTakeFirstOrThrow()).id)
        .execute();
      expect(redemptions).toEqual([{ order_id: first.body.id }]);
    });

    it('refuses the same key with a different body: "SAVE5" and "save5" are different bodies', async () => {
      const card = await newCard(h, '2027-01-31');
      const key = idempotencyKey();
      const body = { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', coupon: 'SAVE5', payment: 'sandbox' };
      expect((await createOrder(body, key)).status).toBe(201);
      for (const changed of [
        { ...body, coupon: 'save5' },
        { ...body, plan: 'y1' },
        { ...body, coupon: undefined },
      ]) {
        const res = await createOrder(changed, key);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
      }
      expect(await ordersOf(card)).toHaveLength(1);
    });

    it('does not store a request that failed validation: a retry with the same key may succeed', async () => {
      const card = await newCard(h, '2027-01-31');
      const key = idempotencyKey();
      const body = { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' };
      const failures = [
        [{ ...body, plan: undefined }, 400, 'invalid_request'],
        [{ ...body, plan: 42 }, 400, 'invalid_request'],
        [{ ...body, payment: 'bitcoin' }, 422, 'payment_method_unavailable'],
        [{ ...body, plan: 'nope' }, 404, 'plan_not_found'],
        [{ ...body, coupon: 'NOPE' }, 422, 'coupon_unknown'],
      ] as const;
      for (const [payload, status, code] of failures) {
        const res = await createOrder(payload, key);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
        expect(await storedKey(key)).toBeUndefined();
      }
      const ok = await createOrder(body, key);
      expect(ok.status).toBe(201);
      expect(await storedKey(key)).toMatchObject({ state: 'done', response_status: 201 });
      expect((await createOrder(body, key)).body).toEqual(ok.body);
      expect(await ordersOf(card)).toHaveLength(1);
    });

    it('takes keys of 1 to 255 characters', async () => {
      const card = await newCard(h, '2027-01-31');
      const body = { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' };
      for (const key of ['', 'k'.repeat(256)]) {
        const res = await createOrder(body, key);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
      }
      expect(await ordersOf(card)).toHaveLength(0);
      expect((await createOrder(body, `${'k'.repeat(254)}${Date.now() % 10}`)).status).toBe(201);
    });
  });

  describe('too_many_attempts', () => {
    const lookup = (card: Card, remoteAddress: string) =>
      h.request({ method: 'POST', url: '/v1/cards/lookup', remoteAddress, payload: { msisdn: card.msisdn, iccid: card.iccid } });
    const quote = (card: Card, remoteAddress: string) =>
      h.request({ method: 'POST', url: '/v1/quotes', remoteAddress, payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1' } });
    const order = (card: Card, remoteAddress: string) =>
      createOrder({ msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' }, idempotencyKey(), remoteAddress);
    const wrong = (card: Card) => ({ msisdn: card.msisdn, iccid: '000000' });
    const expectLocked = (res: Awaited<ReturnType<Harness['request']>>, retryAfter: number) => {
      expect({ status: res.status, code: res.body.error?.code, retryAfter: res.headers['retry-after'] }).toEqual({
        status: 429,
        code: 'too_many_attempts',
        retryAfter: String(retryAfter),
      });
    };
    const expectNotFound = (res: Awaited<ReturnType<Harness['request']>>) =>
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 404, code: 'card_not_found' });

    it('locks a number after 5 failed lookups, quotes and orders, for exactly Retry-After seconds', async () => {
      const card = await newCard(h, '2027-01-31');
      const ip = '10.2.0.1';
      for (const attempt of [lookup, lookup, quote, quote, order]) expectNotFound(await attempt(wrong(card), ip));
      expectLocked(await lookup(card, ip), 900);
      expectLocked(await quote(card, ip), 900);
      expectLocked(await order(card, ip), 900);
      // The number is locked for its short proof from anywhere; its whole serial still opens
      // it from a source that has not failed (test/http/anti-probing.test.ts).
      expectLocked(await lookup({ msisdn: card.msisdn, iccid: card.iccid.slice(-6) }, '10.2.0.2'), 900);
      expect((await lookup(await newCard(h, '2027-01-31'), ip)).status).toBe(200); // the IP is not (5 < 30)
      expect(await ordersOf(card)).toHaveLength(0);
      at(899);
      expectLocked(await lookup(card, ip), 1);
      at(900);
      expect((await lookup(card, ip)).status).toBe(200);
      expect((await order(card, ip)).status).toBe(201);
    });

    it('counts only failures of the last 15 minutes', async () => {
      const card = await newCard(h, '2027-01-31');
      const ip = '10.3.0.1';
      for (let i = 0; i < 4; i++) expectNotFound(await lookup(wrong(card), ip));
      at(600);
      expectNotFound(await lookup(wrong(card), ip));
      at(840);
      expectLocked(await lookup(card, ip), 60);
      at(900); // the first 4 left the window; 1 remains
      expect((await lookup(card, ip)).status).toBe(200);
      for (let i = 0; i < 3; i++) expectNotFound(await lookup(wrong(card), ip));
      expectNotFound(await lookup(wrong(card), ip)); // the 5th failure in the window still answers 404
      expectLocked(await lookup(card, ip), 600); // until the failure made at 600 s leaves the window
      at(1500);
      expect((await lookup(card, ip)).status).toBe(200);
    });

    it('locks an IP after 30 failures for any numbers', async () => {
      const ip = '10.4.0.1';
      const card = await newCard(h, '2027-01-31');
      for (let i = 0; i < 30; i++) expectNotFound(await lookup({ msisdn: uniqueMsisdn(), iccid: card.iccid }, ip));
      expectLocked(await lookup(card, ip), 900);
      expectLocked(await quote({ msisdn: uniqueMsisdn(), iccid: '123456' }, ip), 900);
      expect((await lookup(card, '10.4.0.2')).status).toBe(200);
      at(900);
      expect((await lookup(card, ip)).status).toBe(200);
    });

    it('does not count successful lookups', async () => {
      const ip = '10.5.0.1';
      const card = await newCard(h, '2027-01-31');
      for (let i = 0; i < 40; i++) expect((await lookup(i % 2 ? card : { msisdn: card.msisdn, iccid: card.iccid.slice(-6) }, ip)).status).toBe(200);
      for (let i = 0; i < 40; i++) expect((await quote(card, ip)).status).toBe(200);
      for (let i = 0; i < 5; i++) expectNotFound(await lookup(wrong(card), ip));
      expectLocked(await lookup(card, ip), 900);
      const failures = await h.services.db.kysely.selectFrom('probe_failures').select('id').where('subject', '=', `ip:${ip}`).execute();
      expect(failures).toHaveLength(5);
    });
  });
});
