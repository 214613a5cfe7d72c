/**
 * The operator's order list (filters and paging) and refunds recorded by the operator
 * (api-v1.md, "Admin routes"; domain-rules.md, order states).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MERGED_OPERATORS } from '../../src/renewal/order-list.js';
import { DIALECTS } from '../support/databases.js';
import { adminCard, cardOf, orderById, paySucceeded, pendingOrder, type TestCard } from '../support/flows.js';
import { DEFAULT_NOW, type Harness, newCard, newOperator, newPlan, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(DEFAULT_NOW) + hours * HOUR).toISOString();
const ids = (body: { orders: { id: string }[] }) => body.orders.map((o) => o.id);

describe.each(DIALECTS)('admin orders over HTTP on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set(DEFAULT_NOW));

  const refund = (id: string, reason = 'customer asked') => h.admin('POST', `/v1/admin/orders/${id}/refund`, { reason });

  it('lists orders newest first, filtered by operator, status and creation time, paged by nextCursor', async () => {
    for (const code of ['list-a', 'list-b']) {
      await newOperator(h, { code, name: code });
      await newPlan(h, { code: 'm1', months: 1, price: 500 }, code);
    }
    const a = await newCard(h, '2027-01-31', 'list-a');
    const b = await newCard(h, '2027-01-31', 'list-b');
    const a1 = await renewOnline(h, a, 'm1');
    h.clock.set(at(1));
    const a2 = await pendingOrder(h, a, 'm1'); // never paid: expired once listed
    h.clock.set(at(2));
    const a3 = await renewOnline(h, a, 'm1');
    const b1 = await renewOnline(h, b, 'm1');
    h.clock.set(at(3));
    const a4 = await pendingOrder(h, a, 'm1');
    expect((await h.request({ method: 'POST', url: `/v1/orders/${a4.id}/cancel` })).status).toBe(200);
    h.clock.set(at(4));

    const list = async (query: string) => {
      const res = await h.admin('GET', `/v1/admin/orders?${query}`);
      expect(res.status, query).toBe(200);
      return res.body;
    };
    const all = await list('operator=list-a');
    expect(ids(all)).toEqual([a4.id, a3.id, a2.id, a1.id]);
    expect(all.nextCursor).toBeNull();
    expect(all.orders[0]).toMatchObject({ operator: 'list-a', status: 'cancelled', plan: 'm1', total: 500, currency: 'CNY', msisdn: a.msisdn });
    expect(all.orders.map((o: { status: string }) => o.status)).toEqual(['cancelled', 'fulfilled', 'expired', 'fulfilled']);
    expect(ids(await list('operator=list-b'))).toEqual([b1.id]);
    expect(ids(await list('operator=list-a&status=fulfilled'))).toEqual([a3.id, a1.id]);
    expect(ids(await list('operator=list-a&status=expired'))).toEqual([a2.id]);
    expect(ids(await list('operator=list-a&status=cancelled'))).toEqual([a4.id]);
    expect(ids(await list('operator=list-a&status=pending_payment'))).toEqual([]);
    // from is inclusive, to exclusive; instants with any offset.
    expect(ids(await list(`operator=list-a&from=${at(1)}&to=${at(3)}`))).toEqual([a3.id, a2.id]);
    expect(ids(await list(`operator=list-a&from=${encodeURIComponent('2026-11-24T14:00:00+08:00')}`))).toEqual([a4.id, a3.id]);
    expect(ids(await list(`operator=list-a&to=${at(1)}`))).toEqual([a1.id]);
    const both = await list(`from=${at(2)}&to=${at(3)}&limit=500`);
    expect(ids(both).sort()).toEqual([a3.id, b1.id].sort());

    for (const limit of [1, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { orders: { id: string }[]; nextCursor: string | null } = await list(
          `operator=list-a&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.orders.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen, `limit ${limit}`).toEqual([a4.id, a3.id, a2.id, a1.id]);
      expect(pages).toBe(Math.ceil(4 / limit));
    }
  });

  it('pages through orders created at the same instant without losing or repeating one', async () => {
    await newOperator(h, { code: 'same-time', name: 'Same Time' });
    await newPlan(h, { code: 'm1', months: 1, price: 500 }, 'same-time');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await pendingOrder(h, await newCard(h, '2027-01-31', 'same-time'), 'm1')).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.admin('GET', `/v1/admin/orders?operator=same-time&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 20);
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('lists every operator’s orders merged newest first, ties across operators included, page by page', async () => {
    const codes = ['merge-a', 'merge-b', 'merge-c'];
    const cards: Record<string, TestCard> = {};
    for (const code of codes) {
      await newOperator(h, { code, name: code });
      await newPlan(h, { code: 'm1', months: 1, price: 500 }, code);
      cards[code] = await newCard(h, '2027-01-31', code);
    }
    const created: { id: string; at: string }[] = [];
    for (let step = 0; step < 4; step++) {
      h.clock.set(at(20 + step));
      // Operators in a different order each hour; two orders of one hour share the instant.
      for (const code of step % 2 === 0 ? codes : [...codes].reverse()) {
        created.push({ id: (await pendingOrder(h, cards[code] as TestCard, 'm1')).id, at: at(20 + step) });
      }
    }
    const expected = [...created].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((o) => o.id);
    const pages = async (limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await h.admin('GET', `/v1/admin/orders?from=${at(20)}&to=${at(24)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.orders.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
      } while (cursor && seen.length < 40);
      return seen;
    };
    for (const limit of [2, 5, 500]) expect(await pages(limit), `limit ${limit}`).toEqual(expected);
    // Past MERGED_OPERATORS the page is one ordered read of every order: the same answer.
    const operators = await h.services.db.kysely
      .selectFrom('operators')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (let i = Number(operators.n); i <= MERGED_OPERATORS; i++) await newOperator(h, { code: `many-${i}`, name: `Many ${i}` });
    for (const limit of [2, 500]) expect(await pages(limit), `limit ${limit}, many operators`).toEqual(expected);
  });

  it('refunds a refund_pending order: refunded, with reason and time; the card is unchanged', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await pendingOrder(h, card, 'm1');
    expect((await paySucceeded(h, order, { amount: 1 })).status).toBe(200);
    expect((await orderById(h, order.id)).status).toBe('refund_pending');
    h.clock.set(at(1));
    const refunded = await refund(order.id, 'paid the wrong amount');
    expect(refunded).toMatchObject({
      status: 200,
      body: {
        id: order.id,
        status: 'refunded',
        refundReason: 'paid the wrong amount',
        refundedAt: '2026-11-24T13:00:00+08:00',
        payment: { status: 'refunded' },
      },
    });
    expect((await cardOf(h, card)).validUntil).toBe('2027-01-31');
    expect((await refund(order.id)).body.error.code).toBe('order_not_pending');
    expect(ids((await h.admin('GET', '/v1/admin/orders?operator=demo&status=refunded&limit=500')).body)).toContain(order.id);
  });

  it('refunds a fulfilled order, taking its extension back (validUntil and anchor day)', async () => {
    const card = await newCard(h, '2026-08-15'); // suspended on 2026-11-24: the renewal restarts it from today
    const order = await renewOnline(h, card, 'm1');
    expect(order).toMatchObject({ validUntilBefore: '2026-08-15', validUntilAfter: '2026-12-24' });
    expect(await adminCard(h, card.msisdn)).toMatchObject({ status: 'active', anchorDay: 24 });
    const refunded = await refund(order.id);
    expect(refunded).toMatchObject({ status: 200, body: { status: 'refunded', refundReason: 'customer asked', payment: { status: 'refunded' } } });
    expect(await adminCard(h, card.msisdn)).toMatchObject({ status: 'suspended', validUntil: '2026-08-15', anchorDay: 15 });
    const verified = await h.request({ method: 'GET', url: order.receipt.verifyUrl, headers: { accept: 'application/json' } });
    expect(verified.body.receipt.refunded).toBe(true);
  });

  it('refuses to take back an extension once a later renewal was fulfilled on the card (409 order_not_pending)', async () => {
    const card: TestCard = await newCard(h, '2027-01-31');
    const first = await renewOnline(h, card, 'm1');
    h.clock.advance(60_000);
    const second = await renewOnline(h, card, 'm1');
    expect(second.validUntilAfter).toBe('2027-03-31');
    const refused = await refund(first.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('order_not_pending');
    expect((await orderById(h, first.id)).status).toBe('fulfilled');
    expect(await adminCard(h, card.msisdn)).toMatchObject({ validUntil: '2027-03-31', anchorDay: 31 });
    // The latest one can be refunded; the card goes back to what it was before it.
    expect((await refund(second.id)).body.status).toBe('refunded');
    expect(await adminCard(h, card.msisdn)).toMatchObject({ validUntil: '2027-02-28', anchorDay: 31 });
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-03-31');
  });

  it('refuses to refund an order that is awaiting payment, expired or cancelled', async () => {
    const card = await newCard(h, '2027-01-31');
    const pending = await pendingOrder(h, card, 'm1');
    const cancelled = await pendingOrder(h, card, 'm1');
    await h.request({ method: 'POST', url: `/v1/orders/${cancelled.id}/cancel` });
    for (const id of [pending.id, cancelled.id]) {
      const res = await refund(id);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('order_not_pending');
    }
    h.clock.set(at(1));
    expect((await refund(pending.id)).body.error.code).toBe('order_not_pending');
    expect((await refund('ord_does_not_exist')).body.error.code).toBe('order_not_found');
  });
});
