/**
 * Concurrency over HTTP on one process: simultaneous payment notifications for one card,
 * orders racing for a coupon's last redemptions, and one Idempotency-Key sent many times
 * at once. On SQLite the requests interleave only between queries (Kysely serialises
 * SQLite transactions on its one connection); on PostgreSQL the pool runs them for real
 * in parallel. The assertions hold either way.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extend, type Validity } from '../../src/cards/calendar.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, idempotencyKey, newCard, newOperator, newPlan, newPromotion, notify, SANDBOX_ON, startHarness } from '../support/harness.js';

const N = 20;

type Card = { msisdn: string; iccid: string };

function order(h: Harness, card: Card, key = idempotencyKey(), extra: Record<string, unknown> = {}) {
  return h.request({
    method: 'POST',
    url: '/v1/orders',
    headers: { 'idempotency-key': key },
    payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox', ...extra },
  });
}

function pay(h: Harness, created: { id: string; total: number; currency: string; payment: { id: string } }) {
  return notify(h, {
    id: `evt-${created.id}`,
    type: 'payment.succeeded',
    data: { paymentId: created.payment.id, amount: created.total, currency: created.currency },
  });
}

async function validUntilOf(h: Harness, card: Card): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
  expect(res.status).toBe(200);
  return res.body.card.validUntil;
}

/** The validity after `times` one-month renewals, by the pure calendar arithmetic. */
function afterMonths(start: Validity, times: number): string {
  let validity = start;
  for (let i = 0; i < times; i++) validity = extend(validity, { months: 1, days: 0 });
  return validity.validUntil;
}

/**
 * Opens the pool's connections before a race: otherwise the first request finishes while
 * the others still wait for a new connection, and nothing overlaps. (SQLite cannot overlap
 * in one process: its driver is synchronous, so each request runs through in microtasks.)
 */
async function warmUp(h: Harness): Promise<void> {
  if (h.services.db.dialect !== 'postgres') return;
  await Promise.all(Array.from({ length: N }, () => sql`select pg_sleep(0.05)`.execute(h.services.db.kysely)));
}

function statusesOf(responses: { status: number }[]) {
  return responses.map((r) => r.status).sort();
}

describe.each(DIALECTS)('concurrent requests on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterEach(() => h.close());

  it(`extends a card exactly ${N} times when ${N} payments for it arrive at once`, async () => {
    const card = await newCard(h, '2027-01-31');
    const orders = [];
    for (let i = 0; i < N; i++) {
      const created = await order(h, card);
      expect(created.status).toBe(201);
      orders.push(created.body);
    }

    await warmUp(h);
    const deliveries = await Promise.all(orders.map((o) => pay(h, o)));
    for (const delivery of deliveries) expect(delivery).toMatchObject({ status: 200, body: { received: true } });

    const expected = afterMonths({ validUntil: '2027-01-31', anchorDay: 31 }, N);
    expect(expected).toBe('2028-09-30');
    expect(await validUntilOf(h, card)).toBe(expected);

    const fulfilled = await Promise.all(orders.map(async (o) => (await h.request({ method: 'GET', url: `/v1/orders/${o.id}` })).body));
    for (const o of fulfilled) expect(o.status).toBe('fulfilled');
    const numbers = fulfilled.map((o) => o.receipt.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: N }, (_, i) => `DEMO-2026-${String(i + 1).padStart(6, '0')}`));

    // In receipt order, each renewal starts where the previous one ended: one chain, no overlap.
    const chain = [...fulfilled].sort((a, b) => (a.receipt.number < b.receipt.number ? -1 : 1));
    expect(chain[0].validUntilBefore).toBe('2027-01-31');
    for (let i = 1; i < chain.length; i++) expect(chain[i].validUntilBefore).toBe(chain[i - 1].validUntilAfter);
    expect(chain.at(-1).validUntilAfter).toBe(expected);

    // A second delivery of every event changes nothing.
    const again = await Promise.all(orders.map((o) => pay(h, o)));
    for (const delivery of again) expect(delivery.status).toBe(200);
    expect(await validUntilOf(h, card)).toBe(expected);
  });

  it('numbers receipts gap-free when payments for many cards arrive at once, each twice', async () => {
    const cards: Card[] = [];
    const orders = [];
    for (let i = 0; i < N; i++) {
      const card = await newCard(h, '2027-01-31');
      const created = await order(h, card);
      expect(created.status).toBe(201);
      cards.push(card);
      orders.push(created.body);
    }

    // The first receipt of the year creates the sequence row: every payment races for it.
    await warmUp(h);
    // Among them, two naming no payment; one with a lone UTF-16 surrogate, which must not
    // spoil the statement it shares with the others.
    const unknown = (id: string) => ({ id: `ord_${id}`, total: 800, currency: 'CNY', payment: { id } });
    const [stray, broken, ...deliveries] = await Promise.all([unknown('pay_unknown'), unknown('pay_\ud800'), ...orders, ...orders].map((o) => pay(h, o)));
    for (const delivery of deliveries) expect(delivery).toMatchObject({ status: 200, body: { received: true } });
    for (const response of [stray, broken]) expect(response).toMatchObject({ status: 404, body: { error: { code: 'payment_not_found' } } });
    // Each notification was answered once its receipt had a number: in the fulfilment's
    // transaction (SQLite), or by a numbering run that started after its commit (PostgreSQL).
    const unnumbered = await h.services.db.kysely
      .selectFrom('orders')
      .select('id')
      .where('fulfilled_at', 'is not', null)
      .where('receipt_number', 'is', null)
      .execute();
    expect(unnumbered).toEqual([]);

    for (const card of cards) expect(await validUntilOf(h, card)).toBe('2027-02-28');
    // A receipt is numbered right after its commit, or at the latest when the order is read.
    for (const o of orders) expect((await h.request({ method: 'GET', url: `/v1/orders/${o.id}` })).body.receipt.number).toMatch(/^DEMO-2026-\d{6}$/);
    const receipts = await h.services.db.kysely.selectFrom('receipts').select(['number', 'order_id']).orderBy('number').execute();
    expect(receipts.map((r) => r.number)).toEqual(Array.from({ length: N }, (_, i) => `DEMO-2026-${String(i + 1).padStart(6, '0')}`));
    expect(new Set(receipts.map((r) => r.order_id))).toEqual(new Set(orders.map((o) => o.id)));
    const fulfilled = await h.services.db.kysely.selectFrom('orders').select('id').where('status', '=', 'fulfilled').execute();
    expect(fulfilled).toHaveLength(N);
  });

  it('lets exactly maxRedemptions orders hold a coupon when many race for its last uses', async () => {
    const limit = 5;
    await newPromotion(h, { code: 'LAST', kind: 'amount', value: 100, maxRedemptions: limit });
    // Two uses are taken beforehand, so the race is for the last three.
    for (let i = 0; i < 2; i++) expect((await order(h, await newCard(h, '2027-01-31'), idempotencyKey(), { coupon: 'LAST' })).status).toBe(201);
    const cards: Card[] = [];
    for (let i = 0; i < N; i++) cards.push(await newCard(h, '2027-01-31'));

    await warmUp(h);
    const responses = await Promise.all(cards.map((card) => order(h, card, idempotencyKey(), { coupon: 'last' })));

    const won = responses.filter((r) => r.status === 201);
    const lost = responses.filter((r) => r.status !== 201);
    expect(won).toHaveLength(limit - 2);
    expect(lost).toHaveLength(N - (limit - 2));
    for (const r of won) expect(r.body.total).toBe(700);
    for (const r of lost) expect(r).toMatchObject({ status: 422, body: { error: { code: 'coupon_exhausted', details: { limit: 'maxRedemptions' } } } });
    const redemptions = await h.services.db.kysely
      .selectFrom('redemptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(redemptions.n)).toBe(limit);
  });

  it('lets one card hold a perCardLimit 1 coupon once when it orders many times at once', async () => {
    await newPromotion(h, { code: 'ONCE', kind: 'percent', value: 50, perCardLimit: 1 });
    const card = await newCard(h, '2027-01-31');

    await warmUp(h);
    const responses = await Promise.all(Array.from({ length: N }, () => order(h, card, idempotencyKey(), { coupon: 'ONCE' })));

    expect(statusesOf(responses)).toEqual([201, ...Array<number>(N - 1).fill(422)]);
    for (const r of responses.filter((r) => r.status !== 201)) {
      expect(r.body.error).toMatchObject({ code: 'coupon_exhausted', details: { limit: 'perCardLimit' } });
    }
    // Without the coupon the card can still order.
    expect((await order(h, card)).status).toBe(201);
  });

  it('answers each of many simultaneous lookups with its own card, miss or lockout (lookups share statements)', async () => {
    const cards = await Promise.all(Array.from({ length: 6 }, (_, i) => newCard(h, `2027-0${i + 1}-15`)));
    const locked = await newCard(h, '2027-09-30');
    const from = { remoteAddress: '10.8.0.1' };
    for (let i = 0; i < 5; i++) {
      await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: locked.msisdn, iccid: '000000' }, ...from });
    }
    await warmUp(h);
    const asks = [
      ...cards.map((card, i) => ({ payload: { msisdn: card.msisdn, iccid: card.iccid.slice(-6) }, expect: { status: 200, validUntil: `2027-0${i + 1}-15` } })),
      ...cards.map((card) => ({ payload: { msisdn: card.msisdn, iccid: '000000' }, expect: { status: 404, code: 'card_not_found' } })),
      { payload: { msisdn: '+8613999999999', iccid: '000000' }, expect: { status: 404, code: 'card_not_found' } },
      // Locked for its short proof from anywhere (its whole serial would still open it from 10.8.0.2).
      { payload: { msisdn: locked.msisdn, iccid: locked.iccid.slice(-6) }, expect: { status: 429, code: 'too_many_attempts' } },
    ];
    const responses = await Promise.all(
      asks.map((ask) => h.request({ method: 'POST', url: '/v1/cards/lookup', payload: ask.payload, remoteAddress: '10.8.0.2' })),
    );
    responses.forEach((response, i) => {
      const expected = asks[i]?.expect;
      expect(response.status).toBe(expected?.status);
      if (expected && 'validUntil' in expected) expect(response.body.card.validUntil).toBe(expected.validUntil);
      if (expected && 'code' in expected) expect(response.body.error.code).toBe(expected.code);
    });
  });

  it('answers simultaneous requests with many Idempotency-Keys each by its own key: replays, reuse and new orders', async () => {
    const cards = await Promise.all(Array.from({ length: 4 }, () => newCard(h, '2027-01-31')));
    const keys = cards.map(() => idempotencyKey());
    // The first two keys were answered before; the last two are new.
    const before = [await order(h, cards[0] as Card, keys[0]), await order(h, cards[1] as Card, keys[1])];
    await warmUp(h);
    const [replay, reuse, fresh, other] = await Promise.all([
      order(h, cards[0] as Card, keys[0]),
      order(h, cards[1] as Card, keys[1], { plan: 'm1', coupon: 'NOPE' }),
      order(h, cards[2] as Card, keys[2]),
      order(h, cards[3] as Card, keys[3]),
    ]);
    expect(replay?.status).toBe(201);
    expect(replay?.body).toEqual(before[0]?.body);
    expect(reuse?.status).toBe(422);
    expect(reuse?.body.error.code).toBe('idempotency_key_reused');
    for (const created of [fresh, other]) {
      expect(created?.status).toBe(201);
      expect(created?.body.id).not.toBe(before[0]?.body.id);
    }
    expect(fresh?.body.id).not.toBe(other?.body.id);
    const orders = await h.services.db.kysely.selectFrom('orders').select('card_id').execute();
    expect(orders).toHaveLength(4);
  });

  it('creates one order for many simultaneous requests with one Idempotency-Key', async () => {
    const card = await newCard(h, '2027-01-31');
    const key = idempotencyKey();

    await warmUp(h);
    const responses = await Promise.all(Array.from({ length: N }, () => order(h, card, key)));

    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const first = created[0]?.body;
    for (const r of created) expect(r.body).toEqual(first);
    for (const r of responses.filter((r) => r.status !== 201)) {
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_in_progress' } } });
    }
    const rows = await h.services.db.kysely.selectFrom('orders').select('id').execute();
    expect(rows.map((r) => r.id)).toEqual([first.id]);

    const retry = await order(h, card, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first);
  });
});
