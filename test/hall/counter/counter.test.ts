import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.js';
import { cardOf } from '../../support/flows.js';
import { type Harness, idempotencyKey, newCard, newPromotion, startHarness } from '../../support/harness.js';
import { type HallFixture, type StaffClient, setUpHall, signIn } from '../support.js';

const ID_CHECK = { documentType: 'resident_id', last4: '123X' };

describe.each(DIALECTS)('counter renewal, shifts and voids (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  let supervisor: StaffClient;
  let shiftId: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    supervisor = await signIn(h, 'super1');
    await supervisor.call('POST', `/v1/console/counters/${f.counter1}/open`);
  });
  afterAll(() => h.close());

  const renew = (card: { msisdn?: string; iccid: string }, extra: Record<string, unknown> = {}, key = idempotencyKey(), who = clerk) =>
    who.call(
      'POST',
      '/v1/console/renewals',
      { msisdn: card.msisdn, iccid: card.iccid, plan: 'm3', idCheck: ID_CHECK, payment: { method: 'cash', tendered: 3000 }, ...extra },
      { 'idempotency-key': key },
    );
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
    shiftId = opened.body.id;
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
    expect((await clerk.call('POST', `/v1/console/orders/${order}/invoice`, { title: 'x', email: 'ap@example.com' })).body.error.code).toBe('invoice_exists');
    expect((await clerk.call('POST', `/v1/console/orders/${order}/invoice`, { title: 'x', email: 'not-an-email' })).status).toBe(400);
    const pending = await h.services.invoices.pending((await h.services.catalog.operatorByCode('demo'))?.id ?? '');
    expect(pending.map((p) => p.order_id)).toContain(order);
  });

  it('voids a counter renewal with a supervisor’s approval: extension and payment taken back, order refunded', async () => {
    const card = await newCard(h, '2026-12-10');
    const order = (await renew(card)).body.order;
    const north = await signIn(h, 'northsuper');
    expect((await north.call('POST', `/v1/console/renewals/${order}/void`, { reason: 'wrong card' })).status).toBe(403);
    const notRequested = await supervisor.call('POST', `/v1/console/renewals/${order}/void/approve`);
    expect(notRequested.body.error.code).toBe('void_refused');
    const requested = await clerk.call('POST', `/v1/console/renewals/${order}/void`, { reason: 'wrong card' });
    expect(requested.body).toMatchObject({ voidStatus: 'requested', orderStatus: 'fulfilled' });
    expect((await clerk.call('POST', `/v1/console/renewals/${order}/void/approve`)).status).toBe(403);
    expect((await north.call('POST', `/v1/console/renewals/${order}/void/approve`)).status).toBe(403);
    const done = await supervisor.call('POST', `/v1/console/renewals/${order}/void/approve`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ orderStatus: 'refunded', voidStatus: 'voided', validUntil: '2026-12-10' });
    expect((await cardOf(h, card)).validUntil).toBe('2026-12-10');
    const payment = await h.services.db.kysely.selectFrom('payments').select('status').where('order_id', '=', order).executeTakeFirstOrThrow();
    expect(payment.status).toBe('refunded');
    const audit = await h.services.db.kysely.selectFrom('audit_log').select('action').where('subject', '=', order).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['counter.renewal', 'void.approve', 'void.request']);
  });

  it('refuses a void once a later renewal was fulfilled on the card, and a supervisor approving their own request', async () => {
    const card = await newCard(h, '2026-12-10');
    const first = (await renew(card)).body.order;
    await renew(card);
    await clerk.call('POST', `/v1/console/renewals/${first}/void`, { reason: 'mistake' });
    const refused = await supervisor.call('POST', `/v1/console/renewals/${first}/void/approve`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('void_refused');
    expect((await cardOf(h, card)).validUntil).toBe('2027-06-10');

    const other = await newCard(h, '2026-12-10');
    const own = (await renew(other)).body.order;
    await supervisor.call('POST', `/v1/console/renewals/${own}/void`, { reason: 'mistake' });
    expect((await supervisor.call('POST', `/v1/console/renewals/${own}/void/approve`)).status).toBe(403);
    const second = await signIn(h, 'super2');
    expect((await second.call('POST', `/v1/console/renewals/${own}/void/approve`)).body.orderStatus).toBe('refunded');
  });

  it('closes the shift: expected = float + cash − change − voids; a difference needs another supervisor’s approval', async () => {
    const current = (await clerk.call('GET', '/v1/console/shifts/current')).body.shift;
    expect(current.id).toBe(shiftId);
    const { tally } = current;
    expect(tally.expected).toBe(tally.float + tally.cashTakings - tally.change - tally.voids);
    // Cash renewals here are all 2200 (3000 tendered, 800 change); two were voided.
    expect(tally.voids).toBe(2 * 2200);
    expect(tally.expected).toBe(50_000 + 2200 * tally.cashRenewals);
    const closed = await clerk.call('POST', `/v1/console/shifts/${shiftId}/close`, { counted: tally.expected - 100 });
    expect(closed.body).toMatchObject({ status: 'pending_approval', expected: tally.expected, difference: -100 });
    // The approvals name the clerk, not only the counter.
    const pending = await supervisor.call('GET', `/v1/console/halls/${f.hall}/shifts?status=pending_approval`);
    expect(pending.body.shifts).toEqual([expect.objectContaining({ id: shiftId, clerk: { username: 'clerk1', displayName: '王小明 Wang Xiaoming' } })]);
    expect((await clerk.call('POST', `/v1/console/shifts/${shiftId}/close`, { counted: 1 })).body.error.code).toBe('shift_not_open');
    expect((await clerk.call('POST', `/v1/console/shifts/${shiftId}/approve`, {})).status).toBe(403);
    expect((await (await signIn(h, 'northsuper')).call('POST', `/v1/console/shifts/${shiftId}/approve`, {})).status).toBe(403);
    const approved = await supervisor.call('POST', `/v1/console/shifts/${shiftId}/approve`, { note: 'coin miscounted' });
    expect(approved.body).toMatchObject({ status: 'approved', note: 'coin miscounted' });
    expect((await supervisor.call('POST', `/v1/console/shifts/${shiftId}/approve`, {})).body.error.code).toBe('shift_not_pending');

    // A supervisor's own shift is approved by another one.
    const own = (await supervisor.call('POST', '/v1/console/shifts', { counter: f.counter2, float: 1000 })).body;
    await supervisor.call('POST', `/v1/console/shifts/${own.id}/close`, { counted: 900 });
    expect((await supervisor.call('POST', `/v1/console/shifts/${own.id}/approve`, {})).status).toBe(403);
    expect((await (await signIn(h, 'super2')).call('POST', `/v1/console/shifts/${own.id}/approve`, {})).body.status).toBe('approved');
    const list = await supervisor.call('GET', `/v1/console/halls/${f.hall}/shifts?status=approved`);
    expect(list.body.shifts.map((s: { id: string }) => s.id).sort()).toEqual([shiftId, own.id].sort());
    expect(list.body.shifts.find((s: { id: string }) => s.id === own.id).clerk).toEqual({ username: 'super1', displayName: '李主管 Li Ming' });
    // Each shift of the page carries its own tally (the page's payments are read at once).
    const tallies = new Map(list.body.shifts.map((s: { id: string; tally: unknown }) => [s.id, s.tally]));
    expect(tallies.get(shiftId)).toEqual(approved.body.tally);
    expect(tallies.get(own.id)).toMatchObject({ renewals: 0, expected: 1000 });
    expect((await clerk.call('GET', `/v1/console/halls/${f.hall}/shifts`)).status).toBe(403);
  });

  it('refuses a void after its shift closed', async () => {
    await clerk.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 0 });
    const card = await newCard(h, '2026-12-10');
    const order = (await renew(card)).body.order;
    await clerk.call('POST', `/v1/console/renewals/${order}/void`, { reason: 'late' });
    const shift = (await clerk.call('GET', '/v1/console/shifts/current')).body.shift;
    await clerk.call('POST', `/v1/console/shifts/${shift.id}/close`, { counted: shift.tally.expected });
    const refused = await supervisor.call('POST', `/v1/console/renewals/${order}/void/approve`);
    expect(refused.body.error.code).toBe('void_refused');
  });

  it('gives supervisors statistics per service, counter, clerk and day; not clerks', async () => {
    const stats = await supervisor.call('GET', `/v1/console/halls/${f.hall}/stats?from=2026-11-24&to=2026-11-24`);
    expect(stats.status).toBe(200);
    expect(stats.body.overall.tickets).toBeGreaterThan(0);
    expect(Object.keys(stats.body.byService)).toContain('renewal');
    expect(Object.keys(stats.body.byCounter)).toContain('1');
    expect(Object.keys(stats.body.byClerk)).toContain('clerk1');
    expect(Object.keys(stats.body.byDay)).toEqual(['2026-11-24']);
    expect((await clerk.call('GET', `/v1/console/halls/${f.hall}/stats?from=2026-11-24&to=2026-11-24`)).status).toBe(403);
    expect((await supervisor.call('GET', `/v1/console/halls/${f.hall}/stats?from=2026-11-25&to=2026-11-24`)).status).toBe(400);
    expect((await supervisor.call('GET', `/v1/console/halls/${f.otherHall}/stats?from=2026-11-24&to=2026-11-24`)).status).toBe(403);
  });

  it('shows supervisors the hall’s audit log, newest first, a page at a time; not clerks', async () => {
    const page = await supervisor.call('GET', `/v1/console/halls/${f.hall}/audit?limit=5`);
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(5);
    const ids = page.body.entries.map((e: { id: string }) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const next = await supervisor.call('GET', `/v1/console/halls/${f.hall}/audit?limit=500&before=${ids.at(-1)}`);
    const actions = new Set(next.body.entries.map((e: { action: string }) => e.action));
    for (const a of ['counter.renewal', 'shift.open', 'shift.close', 'shift.approve', 'void.request', 'void.approve', 'invoice.request', 'counter.open'])
      expect(actions).toContain(a);
    const renewal = next.body.entries.find((e: { action: string }) => e.action === 'counter.renewal');
    expect(renewal).toMatchObject({ username: 'clerk1', ip: '127.0.0.1' });
    expect((await clerk.call('GET', `/v1/console/halls/${f.hall}/audit`)).status).toBe(403);
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
