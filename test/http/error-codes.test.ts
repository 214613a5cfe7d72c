/**
 * Every error code of the contract table (api-v1.md) produced over HTTP, with its status
 * and the `{"error": {"code", "message", "details"?}}` shape. The last test of each
 * dialect checks that no code of the table was left out. Rate limiting and idempotent
 * replays in depth: error-codes-guards.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxEvent } from '../../src/payments/sandbox-signature.js';
import { DIALECTS } from '../support/databases.js';
import {
  ADMIN_TOKEN,
  DEFAULT_NOW,
  type Harness,
  idempotencyKey,
  newCard,
  newOperator,
  newPlan,
  newPromotion,
  renewOnline,
  SANDBOX_ON,
  startHarness,
  uniqueIccid,
  uniqueMsisdn,
} from '../support/harness.js';

/** The table of api-v1.md: status → codes. */
const CONTRACT: Record<number, string[]> = {
  400: ['invalid_request', 'idempotency_key_required', 'signature_missing', 'signature_invalid', 'signature_expired'],
  401: ['unauthorized'],
  403: ['forbidden'],
  404: ['card_not_found', 'operator_not_found', 'plan_not_found', 'promotion_not_found', 'order_not_found', 'payment_not_found', 'receipt_not_found'],
  409: ['card_exists', 'card_recycled', 'card_blocked', 'order_not_pending', 'idempotency_key_in_progress'],
  422: [
    'period_too_short',
    'plan_not_available',
    'payment_method_unavailable',
    'coupon_unknown',
    'coupon_expired',
    'coupon_not_applicable',
    'coupon_exhausted',
    'idempotency_key_reused',
  ],
  429: ['too_many_attempts'],
};

type Response = Awaited<ReturnType<Harness['request']>>;
type Card = { msisdn: string; iccid: string };

describe.each(DIALECTS)('error codes over HTTP on %s', (dialect) => {
  let h: Harness;
  const seen = new Set<string>();

  /** Checks status, code and the error shape; returns the error for further checks. */
  function expectError(res: Response, status: number, code: string) {
    expect(CONTRACT[status], `${code} is in the table under ${status}`).toContain(code);
    expect({ status: res.status, code: res.body?.error?.code }, res.raw).toEqual({ status, code });
    expect(String(res.headers['content-type'])).toContain('application/json');
    expect(Object.keys(res.body)).toEqual(['error']);
    const { error } = res.body;
    expect(Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
    expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(typeof error.message).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
    if ('details' in error) expect(error.details).toEqual(expect.any(Object));
    seen.add(code);
    return error as { code: string; message: string; details?: Record<string, any> };
  }

  async function holdDatabase(msisdn: string): Promise<{ release(): Promise<void> }> {
    if (dialect === 'sqlite') {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered = () => {};
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const held = h.services.db.kysely.transaction().execute(async () => {
        entered();
        await gate;
      });
      await inside;
      return {
        release: async () => {
          release();
          await held;
        },
      };
    }
    const client = new pg.Client({ connectionString: h.database.url });
    await client.connect();
    await client.query('begin');
    await client.query('select 1 from cards where msisdn = $1 for update', [msisdn]);
    return {
      release: async () => {
        await client.query('rollback');
        await client.end();
      },
    };
  }
  const ordersOf = (msisdn: string) =>
    h.services.db.kysely.selectFrom('orders as o').innerJoin('cards as c', 'c.id', 'o.card_id').select('o.id').where('c.msisdn', '=', msisdn).execute();
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => h.request({ method: 'POST', url, headers, payload: payload as object });
  const quote = (card: Card, plan: string, extra: Record<string, unknown> = {}) =>
    post('/v1/quotes', { msisdn: card.msisdn, iccid: card.iccid, plan, ...extra });
  const order = (card: Card, plan: string, extra: Record<string, unknown> = {}, key = idempotencyKey()) =>
    post('/v1/orders', { msisdn: card.msisdn, iccid: card.iccid, plan, payment: 'sandbox', ...extra }, { 'idempotency-key': key });
  const webhook = (body: string, signature?: string) =>
    h.request({
      method: 'POST',
      url: '/v1/payments/sandbox/webhook',
      headers: { 'content-type': 'application/json', ...(signature ? { 'simkeep-signature': signature } : {}) },
      payload: body,
    });
  const nowSeconds = () => Math.floor(h.clock.now().getTime() / 1000);
  const sign = (body: string, t = nowSeconds()) => signSandboxEvent(h.services.secrets.sandboxSecret, body, t);
  const event = (paymentId: string) => JSON.stringify({ id: `evt-${paymentId}`, type: 'payment.succeeded', data: { paymentId, amount: 800, currency: 'CNY' } });

  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'y1', name: '12 months', months: 12, price: 8800 });
    await newPlan(h, { code: 'd1', name: '1 day', months: undefined, days: 1, price: 100 });
    await newPlan(h, { code: 'c1', name: 'Counter only', months: 1, price: 700, channels: ['counter'] });
    await newPlan(h, { code: 'old', name: 'Retired plan', months: 1, price: 600, active: false });
  });
  afterAll(() => h?.close());

  describe('400', () => {
    it('invalid_request: schema failures name the fields, wrong types are not coerced', async () => {
      const priceAsText = await h.admin('POST', '/v1/admin/operators/demo/plans', { code: 'p1', name: 'P', months: 1, price: '800' });
      expect(expectError(priceAsText, 400, 'invalid_request').details?.fields).toEqual(['/price']);
      const missing = await post('/v1/cards/lookup', { msisdn: '+8613800138000' });
      expect(expectError(missing, 400, 'invalid_request').details?.fields).toEqual(['/iccid']);
      const extra = await post('/v1/cards/lookup', { msisdn: '+8613800138000', iccid: '123456', admin: true });
      expect(expectError(extra, 400, 'invalid_request').details?.fields).toEqual(['/admin']);
      const nested = await h.admin('POST', '/v1/admin/operators/demo/plans', { code: 'p1', name: { en: 42 }, months: 1, price: 800 });
      expect(expectError(nested, 400, 'invalid_request').details?.fields).toContain('/name/en');
      const noPlus = await post('/v1/cards/lookup', { msisdn: '8613800138000', iccid: '123456' });
      expect(expectError(noPlus, 400, 'invalid_request').details?.fields).toEqual(['/msisdn']);
      const nul = await h.admin('PATCH', '/v1/admin/operators/demo', { name: 'Demo\u0000' }); // PostgreSQL text cannot hold it
      expect(expectError(nul, 400, 'invalid_request').details?.fields).toEqual(['/name']);
      expect((await h.admin('GET', '/v1/admin/operators/demo/plans/p1')).status).toBe(404);
    });

    it('invalid_request: malformed JSON', async () => {
      const res = await h.request({
        method: 'POST',
        url: '/v1/quotes',
        headers: { 'content-type': 'application/json' },
        payload: '{"msisdn": "+8613800138000",',
      });
      expectError(res, 400, 'invalid_request');
      const admin = await h.request({
        method: 'POST',
        url: '/v1/admin/operators',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        payload: "{'code': 'x'}",
      });
      expectError(admin, 400, 'invalid_request');
    });

    it('idempotency_key_required', async () => {
      const card = await newCard(h, '2027-01-31');
      const res = await post('/v1/orders', { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' });
      expectError(res, 400, 'idempotency_key_required');
    });

    it('signature_missing, signature_invalid, signature_expired (more than 300 s either way)', async () => {
      const body = event('pay_unknown');
      expectError(await webhook(body), 400, 'signature_missing');
      expectError(await webhook(body, 'garbage'), 400, 'signature_invalid');
      expectError(await webhook(body, sign(event('pay_other'))), 400, 'signature_invalid');
      expectError(await webhook(body, sign(body).replace(/v1=.*/, `v1=${'0'.repeat(64)}`)), 400, 'signature_invalid');
      expectError(await webhook(body, sign(body, nowSeconds() - 301)), 400, 'signature_expired');
      expectError(await webhook(body, sign(body, nowSeconds() + 301)), 400, 'signature_expired');
      // 300 s is still in time: the signature is accepted and the (unknown) payment is looked up.
      expectError(await webhook(body, sign(body, nowSeconds() - 300)), 404, 'payment_not_found');
    });
  });

  describe('401 / 403', () => {
    it('unauthorized: no token, unknown token, another scheme', async () => {
      expectError(await h.request({ method: 'GET', url: '/v1/admin/operators/demo' }), 401, 'unauthorized');
      for (const authorization of ['Bearer sk_admin_unknown', 'Basic dXNlcjpwYXNz', 'Bearer']) {
        expectError(await h.request({ method: 'GET', url: '/v1/admin/operators/demo', headers: { authorization } }), 401, 'unauthorized');
      }
    });

    it("forbidden: a token scoped to operator 'other' acting on 'demo'", async () => {
      await newOperator(h, { code: 'other', name: 'Other Mobile' });
      const { token } = await h.services.tokens.create('scoped', 'other');
      const card = await newCard(h, '2027-01-31');
      const paid = await renewOnline(h, card, 'm1');
      const as = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
        h.request({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      expect((await as('GET', '/v1/admin/operators/other')).status).toBe(200);
      expectError(await as('GET', '/v1/admin/operators/demo'), 403, 'forbidden');
      expectError(await as('PATCH', '/v1/admin/operators/demo', { name: 'Taken over' }), 403, 'forbidden');
      expectError(await as('POST', '/v1/admin/operators/demo/plans', { code: 'x1', name: 'X', months: 1, price: 1 }), 403, 'forbidden');
      expectError(
        await as('POST', '/v1/admin/operators/demo/cards', { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2027-01-31' }),
        403,
        'forbidden',
      );
      expectError(await as('GET', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}`), 403, 'forbidden');
      expectError(await as('POST', `/v1/admin/orders/${paid.id}/refund`, { reason: 'not mine' }), 403, 'forbidden');
      expectError(await as('GET', '/v1/admin/orders?operator=demo'), 403, 'forbidden');
      expectError(await as('POST', '/v1/admin/operators', { code: 'third', name: 'Third' }), 403, 'forbidden');
      expect((await h.admin('GET', '/v1/admin/operators/demo')).body.name).toBe('Demo Telecom');
      expect((await h.request({ method: 'GET', url: `/v1/orders/${paid.id}` })).body.status).toBe('fulfilled');
    });
  });

  describe('404', () => {
    it('card_not_found, operator_not_found, plan_not_found, promotion_not_found', async () => {
      const card = await newCard(h, '2027-01-31');
      expectError(await post('/v1/cards/lookup', { msisdn: uniqueMsisdn(), iccid: card.iccid }), 404, 'card_not_found');
      expectError(await quote({ msisdn: card.msisdn, iccid: '000000' }, 'm1'), 404, 'card_not_found');
      expectError(await h.admin('GET', `/v1/admin/cards/${encodeURIComponent(uniqueMsisdn())}`), 404, 'card_not_found');
      expectError(await h.admin('GET', '/v1/admin/operators/nope'), 404, 'operator_not_found');
      expectError(
        await h.admin('POST', '/v1/admin/operators/nope/cards', { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2027-01-31' }),
        404,
        'operator_not_found',
      );
      expectError(await quote(card, 'nope'), 404, 'plan_not_found');
      expectError(await h.admin('PATCH', '/v1/admin/operators/demo/plans/nope', { price: 1 }), 404, 'plan_not_found');
      expectError(await h.admin('GET', '/v1/admin/operators/demo/promotions/pr_nope'), 404, 'promotion_not_found');
      const other = await newPromotion(h, { kind: 'percent', value: 5, active: false }, 'other');
      expectError(await h.admin('GET', `/v1/admin/operators/demo/promotions/${other.id}`), 404, 'promotion_not_found');
    });

    it('order_not_found, payment_not_found, receipt_not_found', async () => {
      expectError(await h.request({ method: 'GET', url: '/v1/orders/ord_nope' }), 404, 'order_not_found');
      expectError(await h.request({ method: 'POST', url: '/v1/orders/ord_nope/cancel' }), 404, 'order_not_found');
      expectError(await h.admin('POST', '/v1/admin/orders/ord_nope/refund', { reason: 'x' }), 404, 'order_not_found');
      expectError(await webhook(event('pay_nope'), sign(event('pay_nope'))), 404, 'payment_not_found');
      expectError(await h.request({ method: 'GET', url: '/pay/sandbox/pay_nope' }), 404, 'payment_not_found');
      const card = await newCard(h, '2027-01-31');
      const pending = (await order(card, 'm1')).body;
      expectError(await h.request({ method: 'GET', url: `/v1/orders/${pending.id}/receipt.pdf` }), 404, 'receipt_not_found');
      const paid = await renewOnline(h, card, 'm1');
      const json = { accept: 'application/json' };
      expectError(await h.request({ method: 'GET', url: `/r/${paid.receipt.number}?sig=${'0'.repeat(32)}`, headers: json }), 404, 'receipt_not_found');
      expectError(await h.request({ method: 'GET', url: `/r/${paid.receipt.number}`, headers: json }), 404, 'receipt_not_found');
      expect((await h.request({ method: 'GET', url: paid.receipt.verifyUrl, headers: json })).status).toBe(200);
    });
  });

  describe('409', () => {
    it('card_exists: the number or the SIM of a card in use', async () => {
      const card = await newCard(h, '2027-01-31');
      const sameNumber = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn: card.msisdn, iccid: uniqueIccid(), validUntil: '2027-01-31' });
      expect(expectError(sameNumber, 409, 'card_exists').details).toEqual({ field: 'msisdn' });
      const sameSim = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn: uniqueMsisdn(), iccid: card.iccid, validUntil: '2027-01-31' });
      expect(expectError(sameSim, 409, 'card_exists').details).toEqual({ field: 'iccid' });
      const other = await newCard(h, '2027-01-31');
      expectError(await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(other.msisdn)}/replace-sim`, { iccid: card.iccid }), 409, 'card_exists');
    });

    it('card_recycled and card_blocked refuse quotes and orders', async () => {
      const recycled = await newCard(h, '2026-01-01'); // + 30 grace + 90 suspended days: gone by 2026-11-24
      expectError(await quote(recycled, 'm1'), 409, 'card_recycled');
      expectError(await order(recycled, 'm1'), 409, 'card_recycled');
      const blocked = await newCard(h, '2027-01-31');
      expect((await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(blocked.msisdn)}/block`, { reason: 'stolen' })).status).toBe(200);
      expectError(await quote(blocked, 'm1'), 409, 'card_blocked');
      expectError(await order(blocked, 'm1'), 409, 'card_blocked');
    });

    it('order_not_pending: cancelling twice, refunding an unpaid order', async () => {
      const card = await newCard(h, '2027-01-31');
      const pending = (await order(card, 'm1')).body;
      expectError(await h.admin('POST', `/v1/admin/orders/${pending.id}/refund`, { reason: 'unpaid' }), 409, 'order_not_pending');
      expect((await h.request({ method: 'POST', url: `/v1/orders/${pending.id}/cancel` })).body.status).toBe('cancelled');
      expectError(await h.request({ method: 'POST', url: `/v1/orders/${pending.id}/cancel` }), 409, 'order_not_pending');
    });

    it('idempotency_key_in_progress while the first request with the key runs in this process', async () => {
      const card = await newCard(h, '2027-01-31');
      const key = idempotencyKey();
      const body = { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' };
      // Hold the first request inside the database: on SQLite by keeping its one connection
      // busy, on PostgreSQL by holding the card's row lock that the order takes.
      const hold = await holdDatabase(card.msisdn);
      const first = post('/v1/orders', body, { 'idempotency-key': key });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expectError(await post('/v1/orders', body, { 'idempotency-key': key }), 409, 'idempotency_key_in_progress');
      await hold.release();
      const answered = await first;
      expect(answered.status).toBe(201);
      expect(await ordersOf(card.msisdn)).toEqual([{ id: answered.body.id }]);
      const retry = await post('/v1/orders', body, { 'idempotency-key': key });
      expect(retry).toMatchObject({ status: 201, body: answered.body, headers: { 'idempotent-replayed': 'true' } });
    });

    if (dialect === 'postgres') {
      it('idempotency_key_in_progress while another process runs the key (its advisory lock is held)', async () => {
        const card = await newCard(h, '2027-01-31');
        const key = idempotencyKey();
        const body = { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' };
        const other = new pg.Client({ connectionString: h.database.url });
        await other.connect();
        try {
          await other.query('begin');
          await other.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`POST /v1/orders\n${key}`]);
          expectError(await post('/v1/orders', body, { 'idempotency-key': key }), 409, 'idempotency_key_in_progress');
          expect(await ordersOf(card.msisdn)).toEqual([]);
          await other.query('rollback');
          expect((await post('/v1/orders', body, { 'idempotency-key': key })).status).toBe(201);
        } finally {
          await other.end();
        }
      });
    }
  });

  describe('422', () => {
    it('period_too_short: a short plan on a card deep in grace', async () => {
      const card = await newCard(h, '2026-10-30'); // grace until 2026-11-29
      expectError(await quote(card, 'd1'), 422, 'period_too_short');
      expectError(await order(card, 'd1'), 422, 'period_too_short');
      expect((await quote(card, 'm1')).status).toBe(200);
    });

    it('plan_not_available: inactive, or not sold online', async () => {
      const card = await newCard(h, '2027-01-31');
      expectError(await quote(card, 'old'), 422, 'plan_not_available');
      expectError(await quote(card, 'c1'), 422, 'plan_not_available');
      expectError(await order(card, 'c1'), 422, 'plan_not_available');
    });

    it('payment_method_unavailable', async () => {
      const card = await newCard(h, '2027-01-31');
      expectError(await order(card, 'm1', { payment: 'bitcoin' }), 422, 'payment_method_unavailable');
    });

    it('coupon_unknown, coupon_expired, coupon_not_applicable (plan, channel, not started)', async () => {
      const card = await newCard(h, '2027-01-31');
      await newPromotion(h, { code: 'ENDED', kind: 'amount', value: 100, endsOn: '2026-11-23' });
      await newPromotion(h, { code: 'YEARLY', kind: 'amount', value: 100, plans: ['y1'] });
      await newPromotion(h, { code: 'COUNTER', kind: 'amount', value: 100, channels: ['counter'] });
      await newPromotion(h, { code: 'SOON', kind: 'amount', value: 100, startsOn: '2026-11-25' });
      await newPromotion(h, { code: 'PAUSED', kind: 'amount', value: 100, active: false });
      expectError(await quote(card, 'm1', { coupon: 'NOPE' }), 422, 'coupon_unknown');
      expectError(await quote(card, 'm1', { coupon: 'paused' }), 422, 'coupon_unknown');
      expectError(await quote(card, 'm1', { coupon: 'ended' }), 422, 'coupon_expired');
      expect(expectError(await quote(card, 'm1', { coupon: 'YEARLY' }), 422, 'coupon_not_applicable').details).toMatchObject({ reason: 'plan' });
      expect(expectError(await quote(card, 'm1', { coupon: 'COUNTER' }), 422, 'coupon_not_applicable').details).toMatchObject({ reason: 'channel' });
      expect(expectError(await order(card, 'm1', { coupon: 'SOON' }), 422, 'coupon_not_applicable').details).toMatchObject({ reason: 'not_started' });
      expect((await quote(card, 'y1', { coupon: 'yearly' })).body.total).toBe(8700);
      h.clock.set('2026-11-24T16:00:00Z'); // 2026-11-25 00:00 in Shanghai: SOON starts
      try {
        expect((await quote(card, 'm1', { coupon: 'soon' })).status).toBe(200);
      } finally {
        h.clock.set(DEFAULT_NOW);
      }
    });

    it('coupon_exhausted: maxRedemptions and perCardLimit, said in details.limit', async () => {
      await newPromotion(h, { code: 'ONCE', kind: 'amount', value: 100, maxRedemptions: 1 });
      await newPromotion(h, { code: 'EACH', kind: 'amount', value: 100, perCardLimit: 1 });
      const first = await newCard(h, '2027-01-31');
      const second = await newCard(h, '2027-01-31');
      expect((await order(first, 'm1', { coupon: 'ONCE' })).status).toBe(201);
      expect(expectError(await quote(second, 'm1', { coupon: 'ONCE' }), 422, 'coupon_exhausted').details).toEqual({ limit: 'maxRedemptions' });
      expect(expectError(await order(second, 'm1', { coupon: 'once' }), 422, 'coupon_exhausted').details).toEqual({ limit: 'maxRedemptions' });
      expect((await order(first, 'm1', { coupon: 'EACH' })).status).toBe(201);
      expect(expectError(await quote(first, 'm1', { coupon: 'EACH' }), 422, 'coupon_exhausted').details).toEqual({ limit: 'perCardLimit' });
      expect((await quote(second, 'm1', { coupon: 'EACH' })).status).toBe(200);
    });

    it('idempotency_key_reused: same key, different body', async () => {
      const card = await newCard(h, '2027-01-31');
      const key = idempotencyKey();
      expect((await order(card, 'm1', {}, key)).status).toBe(201);
      expectError(await order(card, 'y1', {}, key), 422, 'idempotency_key_reused');
    });
  });

  describe('429', () => {
    it('too_many_attempts with Retry-After after 5 failures for one number, even with the right serial', async () => {
      const card = await newCard(h, '2027-01-31');
      const from = { remoteAddress: '10.9.0.1' };
      for (let i = 0; i < 5; i++) {
        expectError(
          await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: '000000' }, ...from }),
          404,
          'card_not_found',
        );
      }
      const locked = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid }, ...from });
      expectError(locked, 429, 'too_many_attempts');
      expect(locked.headers['retry-after']).toBe('900');
    });
  });

  it('produced every code of the contract table with its status', () => {
    const codes = Object.values(CONTRACT).flat();
    expect(codes.filter((code) => !seen.has(code))).toEqual([]);
  });
});
