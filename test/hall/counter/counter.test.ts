import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.js';
import { cardOf } from '../../support/flows.js';
import { type Harness, idempotencyKey, newCard, newPromotion } from '../../support/harness.js';
import { type CardRef, counterAtWork, type HallFixture, ID_CHECK, renewAtCounter, type StaffClient, signIn } from '../support.js';

describe.each(DIALECTS)('counter renewal and invoices (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  beforeAll(async () => {
    ({ h, f, clerk } = await counterAtWork(dialect));
  });
  afterAll(() => h.close());

  const renew = (card: CardRef, extra: Record<string, unknown> = {}, key = idempotencyKey(), who = clerk) => renewAtCounter(who, card, extra, key);
  const count = async (table: 'orders' | 'counter_payments' | 'id_checks') =>
    Number(
      (
        await h.services.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('needs an open shift before taking money', async () => {
    const card = await newCard(h, '2026-12-10');
    const res = await renew(card);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('shift_not_open');
    const opened = await clerk.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 50_000 });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', float: 50_000, tally: { expected: 50_000 } });
    const again = await clerk.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 1 });
    expect(again.body.error.code).toBe('shift_already_open');
  });

  it('finds a card by number and serial, or by the whole serial alone (barcode), with the counter’s plans', async () => {
    const card = await newCard(h, '2026-12-10');
    const byBoth = await clerk.call('POST', '/v1/console/cards/find', { msisdn: card.msisdn, iccid: card.iccid.slice(-6) });
    expect(byBoth.status).toBe(200);
    expect(byBoth.body.card).toMatchObject({ msisdn: card.msisdn, validUntil: '2026-12-10', status: 'active' });
    expect(byBoth.body.plans.map((p: { code: string }) => p.code)).toEqual(['m1', 'm3']);
    const byScan = await clerk.call('POST', '/v1/console/cards/find', { iccid: card.iccid });
    expect(byScan.body.card.msisdn).toBe(card.msisdn);
    const short = await clerk.call('POST', '/v1/console/cards/find', { iccid: card.iccid.slice(-6) });
    expect(short.status).toBe(400);
    const wrong = await clerk.call('POST', '/v1/console/cards/find', { msisdn: card.msisdn, iccid: '000000' });
    expect(wrong.body.error.code).toBe('card_not_found');
  });

  it('quotes with the counter channel’s plans, promotions and coupons', async () => {
    const card = await newCard(h, '2026-12-10');
    await newPromotion(h, { code: 'HALL5', kind: 'amount', value: 500, channels: ['counter'] });
    await newPromotion(h, { code: 'WEB5', kind: 'amount', value: 500, channels: ['online'] });
    const quote = await clerk.call('POST', '/v1/console/quotes', { msisdn: card.msisdn, iccid: card.iccid, plan: 'm3', coupon: 'hall5' });
    expect(quote.body).toMatchObject({ plan: 'm3', listPrice: 2200, total: 1700, validUntilBefore: '2026-12-10', validUntilAfter: '2027-03-10' });
    expect((await clerk.call('POST', '/v1/console/quotes', { msisdn: card.msisdn, iccid: card.iccid, plan: 'm3', coupon: 'WEB5' })).body.error.code).toBe(
      'coupon_not_applicable',
    );
    expect((await clerk.call('POST', '/v1/console/quotes', { msisdn: card.msisdn, iccid: card.iccid, plan: 'y1' })).body.error.code).toBe('plan_not_available');
  });

  it('renews for cash with change from a called ticket: one transaction, receipt, ID check with the last 4 only', async () => {
    const card = await newCard(h, '2026-12-10');
    const ticket = (await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'renewal' } })).body;
    const called = (await clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`)).body.ticket;
    expect(called.number).toBe(ticket.number);
    const res = await renew(card, { ticket: called.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'fulfilled',
      plan: 'm3',
      total: 2200,
      currency: 'CNY',
      validUntilBefore: '2026-12-10',
      validUntilAfter: '2027-03-10',
      payment: { method: 'cash', tendered: 3000, change: 800, reference: null },
    });
    expect((await cardOf(h, card)).validUntil).toBe('2027-03-10');
    const order = await clerk.call('GET', `/v1/console/orders/${res.body.order}`);
    expect(order.body).toMatchObject({ status: 'fulfilled', channel: 'counter' });
    expect(order.body.receipt.number).toMatch(/^DEMO-2026-\d{6}$/);
    const pdf = await clerk.call('GET', res.body.receiptPdfUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const check = await h.services.db.kysely.selectFrom('id_checks').selectAll().where('order_id', '=', res.body.order).executeTakeFirstOrThrow();
    expect(check).toMatchObject({ document_type: 'resident_id', last4: '123X', ticket_id: called.id });
    const served = await h.request({ method: 'GET', url: `/v1/tickets/${ticket.token}` });
    expect(served.body.status).toBe('serving');
    await clerk.call('POST', `/v1/console/tickets/${called.id}/finish`);
    const audit = await h.services.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'counter.renewal')
      .where('subject', '=', res.body.order)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('publishes the same order events as an online renewal, with the counter channel', async () => {
    const hook = await h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: 'https://hooks.example.test/simkeep' });
    expect(hook.status).toBe(201);
    const card = await newCard(h, '2026-12-10');
    const order = (await renew(card)).body.order;
    const rows = await h.services.db.kysely.selectFrom('outbox').select('body').where('kind', '=', 'webhook').execute();
    const events = rows.map((r) => JSON.parse(r.body ?? '{}')).filter((e) => e.data?.order?.id === order);
    expect(events.map((e) => e.type).sort()).toEqual(['order.created', 'order.fulfilled']);
    const fulfilled = events.find((e) => e.type === 'order.fulfilled');
    expect(fulfilled.data.order).toMatchObject({ channel: 'counter', status: 'fulfilled', validUntilAfter: '2027-03-10' });
    expect(fulfilled.data.order.receipt).toMatch(/^DEMO-2026-\d{6}$/);
    await h.admin('PATCH', `/v1/admin/operators/demo/webhooks/${hook.body.id}`, { active: false });
  });

  it('takes a bank card with its POS reference; refuses too little cash and bad input, writing nothing', async () => {
    const card = await newCard(h, '2026-12-10');
    const before = await Promise.all([count('orders'), count('counter_payments'), count('id_checks')]);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ payment: { method: 'cash', tendered: 2199 } }, 422, 'cash_insufficient'],
      [{ payment: { method: 'cash', tendered: -1 } }, 400, 'invalid_request'],
      [{ payment: { method: 'pos' } }, 400, 'invalid_request'],
      [{ payment: { method: 'cheque', reference: 'x' } }, 400, 'invalid_request'],
      [{ idCheck: { documentType: 'resident_id', last4: '110101199001011234' } }, 400, 'invalid_request'],
      [{ plan: 'y1' }, 422, 'plan_not_available'],
      [{ coupon: 'NOPE' }, 422, 'coupon_unknown'],
      [{ ticket: 'tkt_NOPE' }, 404, 'ticket_not_found'],
      [{ iccid: '000000' }, 404, 'card_not_found'],
    ];
    for (const [extra, status, code] of cases) {
      const res = await renew(card, extra);
      expect(res.status, JSON.stringify(extra)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    const noKey = await clerk.call('POST', '/v1/console/renewals', {
      msisdn: card.msisdn,
      iccid: card.iccid,
      plan: 'm3',
      idCheck: ID_CHECK,
      payment: { method: 'cash', tendered: 3000 },
    });
    expect(noKey.body.error.code).toBe('idempotency_key_required');
    expect(await Promise.all([count('orders'), count('counter_payments'), count('id_checks')])).toEqual(before);
    const pos = await renew(card, { payment: { method: 'pos', reference: 'POS-778812' } });
    expect(pos.status).toBe(201);
    expect(pos.body.payment).toEqual({ method: 'pos', tendered: null, change: null, reference: 'POS-778812' });
  });

  it('never renews twice for one Idempotency-Key: a replay, a different body, concurrent duplicates', async () => {
    const card = await newCard(h, '2026-12-10');
    const key = idempotencyKey();
    const first = await renew(card, {}, key);
    const replay = await renew(card, {}, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await renew(card, { payment: { method: 'cash', tendered: 5000 } }, key)).body.error.code).toBe('idempotency_key_reused');
    // Another clerk's key is another scope: the same string does not replay their renewal.
    expect((await cardOf(h, card)).validUntil).toBe('2027-03-10');

    const racing = await newCard(h, '2026-12-10');
    const raceKey = idempotencyKey();
    const answers = await Promise.all(Array.from({ length: 8 }, () => renew(racing, {}, raceKey)));
    for (const a of answers) expect([201, 409]).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).toBe('idempotency_key_in_progress');
    const orders = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.order));
    expect(orders.size).toBe(1);
    expect((await cardOf(h, racing)).validUntil).toBe('2027-03-10');
    expect((await renew(racing, {}, raceKey)).body.order).toBe([...orders][0]);
  });

  it('records an invoice request with its PDF, once per renewal', async () => {
    const card = await newCard(h, '2026-12-10');
    const order = (await renew(card)).body.order;
    const invoice = await clerk.call('POST', `/v1/console/orders/${order}/invoice`, {
      title: '示例科技有限公司',
      taxId: '91310000MA1FL8XQ3C',
      email: 'ap@example.com',
    });
    expect(invoice.status).toBe(201);
    expect(invoice.body).toMatchObject({ status: 'pending', amount: 2200, currency: 'CNY', title: '示例科技有限公司' });
    const pdf = await clerk.call('GET', invoice.body.pdfUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const audit = await h.services.db.kysely.selectFrom('audit_log').select('action').where('subject', '=', invoice.body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['invoice.request']);
    expect((await clerk.call('POST', `/v1/console/orders/${order}/invoice`, { title: 'x', email: 'ap@example.com' })).body.error.code).toBe('invoice_exists');
    expect((await clerk.call('POST', `/v1/console/orders/${order}/invoice`, { title: 'x', email: 'not-an-email' })).status).toBe(400);
    const pending = await h.services.invoices.pending((await h.services.catalog.operatorByCode('demo'))?.id ?? '');
    expect(pending.map((p) => p.order_id)).toContain(order);
  });

  it('refuses every counter route to anonymous, subscriber and admin-token callers, and staff of another hall', async () => {
    const card = await newCard(h, '2026-12-10');
    const routes: [string, string][] = [
      ['POST', '/v1/console/cards/find'],
      ['POST', '/v1/console/quotes'],
      ['POST', '/v1/console/renewals'],
      ['POST', '/v1/console/shifts'],
      ['GET', '/v1/console/shifts/current'],
      ['GET', `/v1/console/halls/${f.hall}/stats?from=2026-11-24&to=2026-11-24`],
    ];
    for (const [method, url] of routes) {
      for (const headers of [{}, { cookie: 'simkeep_session=abc' }, { authorization: 'Bearer test-admin-token-0123456789abcdef' }]) {
        const res = await h.request({
          method: method as 'GET',
          url,
          headers,
          ...(method === 'POST' ? { payload: { msisdn: card.msisdn, iccid: card.iccid } } : {}),
        });
        expect(res.status, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    const north = await signIn(h, 'northclerk');
    const order = (await h.services.db.kysely.selectFrom('counter_payments').select('order_id').where('hall_id', '=', f.hall).executeTakeFirstOrThrow())
      .order_id;
    expect((await north.call('GET', `/v1/console/orders/${order}`)).status).toBe(403);
    expect((await north.call('GET', `/v1/console/orders/${order}/receipt.pdf`)).status).toBe(403);
    expect((await north.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 0 })).status).toBe(403);
  });
});
