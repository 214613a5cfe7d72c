import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.js';
import { cardOf } from '../../support/flows.js';
import { type Harness, newCard } from '../../support/harness.js';
import { type CardRef, counterAtWork, type HallFixture, renewAtCounter, type StaffClient, signIn } from '../support.js';

describe.each(DIALECTS)('shifts, voids and what supervisors read (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  let supervisor: StaffClient;
  let shiftId: string;
  const renew = (card: CardRef, extra: Record<string, unknown> = {}) => renewAtCounter(clerk, card, extra);

  beforeAll(async () => {
    ({ h, f, clerk, supervisor } = await counterAtWork(dialect));
    shiftId = (await clerk.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 50_000 })).body.id;
    // A renewal from a ticket called at counter 1, for the statistics and the audit log.
    await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'renewal' } });
    const called = (await clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`)).body.ticket;
    const renewed = await renew(await newCard(h, '2026-12-10'), { ticket: called.id });
    if (renewed.status !== 201) throw new Error(`setup: ${renewed.status} ${renewed.raw}`);
    await clerk.call('POST', `/v1/console/tickets/${called.id}/finish`);
  });
  afterAll(() => h.close());

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
    for (const a of ['counter.renewal', 'shift.open', 'shift.close', 'shift.approve', 'void.request', 'void.approve', 'counter.open'])
      expect(actions).toContain(a);
    const renewal = next.body.entries.find((e: { action: string }) => e.action === 'counter.renewal');
    expect(renewal).toMatchObject({ username: 'clerk1', ip: '127.0.0.1' });
    expect((await clerk.call('GET', `/v1/console/halls/${f.hall}/audit`)).status).toBe(403);
  });
});
