/**
 * Two real `simkeep serve` processes on one PostgreSQL database, driven over HTTP with
 * requests split between them: what one process's locks and constraints guarantee must
 * hold across processes too (exactly-once fulfilment, gap-free receipts, redemption
 * limits, one order per Idempotency-Key).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf, extend, todayIn, type Validity } from '../../src/cards/calendar.js';
import { signSandboxEvent } from '../../src/payments/sandbox-signature.js';
import { freshDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, idempotencyKey, SANDBOX_ON, uniqueIccid, uniqueMsisdn } from '../support/harness.js';
import { call, SANDBOX_SECRET, type Server, startServer, stopServer } from '../support/servers.js';

const N = 20;
type Card = { msisdn: string; iccid: string };

describe.skipIf(!process.env.TEST_DATABASE_URL)('two server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  const servers: Server[] = [];
  /** Alternates between the two processes. */
  const on = (i: number): Server => servers[i % 2] as Server;
  const today = todayIn('Asia/Shanghai', new Date());

  const admin = async (method: string, url: string, body: unknown) => {
    const reply = await call(on(0), method, url, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
    if (reply.status !== 201) throw new Error(`${method} ${url}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const newCard = async (validUntil: string): Promise<Card> => {
    const card = { msisdn: uniqueMsisdn(), iccid: uniqueIccid() };
    await admin('POST', '/v1/admin/operators/demo/cards', { ...card, validUntil });
    return card;
  };
  const order = (server: Server, card: Card, key = idempotencyKey(), extra: Record<string, unknown> = {}) =>
    call(server, 'POST', '/v1/orders', { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox', ...extra }, { 'idempotency-key': key });
  const pay = (server: Server, created: { id: string; total: number; currency: string; payment: { id: string } }) => {
    const body = JSON.stringify({
      id: `evt-${created.id}`,
      type: 'payment.succeeded',
      data: { paymentId: created.payment.id, amount: created.total, currency: created.currency },
    });
    return call(server, 'POST', '/v1/payments/sandbox/webhook', body, {
      'simkeep-signature': signSandboxEvent(SANDBOX_SECRET, body, Math.floor(Date.now() / 1000)),
    });
  };
  const placeOrders = async (cards: Card[]) => {
    const orders = [];
    for (const [i, card] of cards.entries()) {
      const created = await order(on(i), card);
      expect(created.status).toBe(201);
      orders.push(created.body);
    }
    return orders;
  };
  /**
   * Opens the processes' pool connections right before a race (idle ones close after 10 s);
   * otherwise the first request finishes while the others still wait for a connection.
   */
  const warmUp = () => Promise.all(servers.flatMap((server) => Array.from({ length: N }, () => fetch(`${server.url}/readyz`).then((r) => r.text()))));
  const validUntilOn = async (server: Server, card: Card) => (await call(server, 'POST', '/v1/cards/lookup', card)).body.card.validUntil;
  const receiptSequences = async () => {
    const rows = await database.db.kysely.selectFrom('receipts').select(['number', 'sequence']).orderBy('sequence').execute();
    for (const row of rows) expect(row.number).toMatch(/^DEMO-\d{4}-\d{6}$/);
    return rows.map((r) => r.sequence);
  };

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    // Kept as each one starts, so afterAll stops a started one even when the other fails.
    await Promise.all([0, 1].map(async () => servers.push(await startServer(database.url, SANDBOX_ON))));
    // Everything is set up before either process reads the catalog, so neither caches a stale one.
    await admin('POST', '/v1/admin/operators', { code: 'demo', name: 'Demo Telecom' });
    await admin('POST', '/v1/admin/operators/demo/plans', { code: 'm1', name: '1 month', months: 1, price: 800 });
    await admin('POST', '/v1/admin/operators/demo/promotions', { code: 'LAST', kind: 'amount', value: 100, maxRedemptions: 5 });
  }, 180_000); // two cold `tsx` starts on a busy machine

  afterEach(() => {
    // No process answered a race with an unexpected error (logged at level 50 before the 500).
    for (const server of servers) expect(server.takeErrors()).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await database?.drop();
  }, 30_000);

  it('numbers receipts gap-free when payments for many cards reach both processes at once, each twice', async () => {
    const cards: Card[] = [];
    const start = addDays(today, 30);
    for (let i = 0; i < N; i++) cards.push(await newCard(start));
    const orders = await placeOrders(cards);

    // Each event goes to both processes at once; the first receipt of the year creates the sequence row.
    await warmUp();
    const deliveries = await Promise.all(orders.flatMap((o) => [pay(on(0), o), pay(on(1), o)]));
    for (const delivery of deliveries) expect(delivery).toMatchObject({ status: 200, body: { received: true } });

    const expected = extend({ validUntil: start, anchorDay: dayOf(start) }, { months: 1, days: 0 }).validUntil;
    for (const [i, card] of cards.entries()) expect(await validUntilOn(on(i), card)).toBe(expected);
    // A receipt is numbered right after its commit, or at the latest when the order is read.
    const read = await Promise.all(orders.map(async (o, i) => (await call(on(i), 'GET', `/v1/orders/${o.id}`)).body));
    for (const o of read) expect(o).toMatchObject({ status: 'fulfilled', receipt: { number: expect.stringMatching(/^DEMO-2026-\d{6}$/) } });
    expect(await receiptSequences()).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  });

  it(`extends one card exactly ${N} times when its ${N} payments are split between the processes`, async () => {
    const start: Validity = { validUntil: addDays(today, 40), anchorDay: dayOf(addDays(today, 40)) };
    const card = await newCard(start.validUntil);
    const orders = await placeOrders(Array<Card>(N).fill(card));
    const before = (await receiptSequences()).length;

    await warmUp();
    const deliveries = await Promise.all(orders.map((o, i) => pay(on(i), o)));
    for (const delivery of deliveries) expect(delivery).toMatchObject({ status: 200, body: { received: true } });

    let expected = start;
    for (let i = 0; i < N; i++) expected = extend(expected, { months: 1, days: 0 });
    expect(await validUntilOn(on(0), card)).toBe(expected.validUntil);
    expect(await validUntilOn(on(1), card)).toBe(expected.validUntil);

    const fulfilled = await Promise.all(orders.map(async (o, i) => (await call(on(i + 1), 'GET', `/v1/orders/${o.id}`)).body));
    for (const o of fulfilled) expect(o.status).toBe('fulfilled');
    const chain = [...fulfilled].sort((a, b) => (a.receipt.number < b.receipt.number ? -1 : 1));
    expect(chain[0].validUntilBefore).toBe(start.validUntil);
    for (let i = 1; i < chain.length; i++) expect(chain[i].validUntilBefore).toBe(chain[i - 1].validUntilAfter);
    expect(chain.at(-1).validUntilAfter).toBe(expected.validUntil);
    expect(await receiptSequences()).toEqual(Array.from({ length: before + N }, (_, i) => i + 1));
  });

  it('lets exactly maxRedemptions orders hold a coupon when both processes race for its last uses', async () => {
    for (let i = 0; i < 2; i++) expect((await order(on(i), await newCard(addDays(today, 30)), idempotencyKey(), { coupon: 'LAST' })).status).toBe(201);
    const cards: Card[] = [];
    for (let i = 0; i < N; i++) cards.push(await newCard(addDays(today, 30)));

    await warmUp();
    const responses = await Promise.all(cards.map((card, i) => order(on(i), card, idempotencyKey(), { coupon: 'last' })));

    const won = responses.filter((r) => r.status === 201);
    const lost = responses.filter((r) => r.status !== 201);
    expect(won).toHaveLength(3);
    for (const r of won) expect(r.body.total).toBe(700);
    for (const r of lost) expect(r).toMatchObject({ status: 422, body: { error: { code: 'coupon_exhausted', details: { limit: 'maxRedemptions' } } } });
    const redemptions = await database.db.kysely.selectFrom('redemptions').select('order_id').execute();
    expect(redemptions).toHaveLength(5);
  });

  it('creates one order for one Idempotency-Key sent to both processes at once', async () => {
    const card = await newCard(addDays(today, 30));
    const key = idempotencyKey();

    await warmUp();
    const responses = await Promise.all(Array.from({ length: N }, (_, i) => order(on(i), card, key)));

    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const first = created[0]?.body;
    for (const r of created) expect(r.body).toEqual(first);
    for (const r of responses.filter((r) => r.status !== 201)) {
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_in_progress' } } });
    }
    const rows = await database.db.kysely
      .selectFrom('orders as o')
      .innerJoin('cards as c', 'c.id', 'o.card_id')
      .select('o.id')
      .where('c.msisdn', '=', card.msisdn)
      .execute();
    expect(rows.map((r) => r.id)).toEqual([first.id]);

    for (const server of servers) {
      const retry = await order(server, card, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first);
    }
  });
});
