import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRow } from '../../../src/hall/audit.js';
import { callNext as callNextInDatabase } from '../../../src/hall/console/call-repository.js';
import { calledNotice } from '../../../src/hall/queue/queue-notices.js';
import { countAhead } from '../../../src/hall/queue/queue-repository.js';
import { nextForCounter, peopleAhead } from '../../../src/hall/queue/queue-rules.js';
import { toQueued } from '../../../src/hall/queue/ticket-repository.js';
import { DIALECTS } from '../../support/databases.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { type HallFixture, queueActions, type StaffClient, setUpHall, signIn } from '../support.js';

describe.each(DIALECTS)('the counter console over HTTP (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  let supervisor: StaffClient;
  beforeAll(async () => {
    // 2026-11-25 00:00 in Shanghai.
    h = await startHarness(dialect, {}, '2026-11-24T16:00:00Z');
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    supervisor = await signIn(h, 'super1');
  });
  afterAll(() => h.close());

  const { take, callNext, act, drain } = queueActions(() => ({ h, f, clerk }));

  it('refuses a closed counter; a supervisor (not a clerk) opens it; the wait estimate counts open counters', async () => {
    for (const service of ['renewal', 'renewal', 'renewal', 'enquiry']) await take(service);
    const closed = await clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`);
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('counter_closed');
    const byClerk = await clerk.call('POST', `/v1/console/counters/${f.counter1}/open`);
    expect(byClerk.status).toBe(403);
    let hall = (await h.request({ method: 'GET', url: `/v1/halls/${f.hall}` })).body;
    expect(hall.services.find((s: { code: string }) => s.code === 'renewal')).toMatchObject({ openCounters: 0, estimatedWaitSeconds: null });
    expect((await supervisor.call('POST', `/v1/console/counters/${f.counter1}/open`)).body.counter.status).toBe('open');
    expect((await supervisor.call('POST', `/v1/console/counters/${f.counter2}/open`)).body.counter.status).toBe('open');
    hall = (await h.request({ method: 'GET', url: `/v1/halls/${f.hall}` })).body;
    // 3 renewal tickets wait, default 300 s each, 2 counters: 450 s.
    expect(hall.services.find((s: { code: string }) => s.code === 'renewal')).toMatchObject({ waiting: 3, openCounters: 2, estimatedWaitSeconds: 450 });
    expect(hall.services.find((s: { code: string }) => s.code === 'enquiry')).toMatchObject({ waiting: 1, openCounters: 1, estimatedWaitSeconds: 120 });
    await drain();
  });

  it('calls priority tickets first, then FIFO within the counter’s services', async () => {
    const plain1 = await take('renewal');
    h.clock.advance(1000);
    const enquiry = await take('enquiry');
    h.clock.advance(1000);
    const elderly = await take('renewal', 'elderly');
    h.clock.advance(1000);
    const plain2 = await take('renewal');
    expect((await h.request({ method: 'GET', url: `/v1/tickets/${plain1.token}` })).body.ahead).toBe(1);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { ticket } = await callNext(f.counter1);
      order.push(ticket.number);
      await act(ticket.id, 'finish');
    }
    expect(order).toEqual([elderly.number, plain1.number, enquiry.number, plain2.number]);
    expect((await callNext(f.counter1)).ticket).toBeNull();
  });

  it('recalls up to maxRecalls, then no-show; a no-show rejoins at the back', async () => {
    const late = await take('renewal');
    h.clock.advance(1000);
    const other = await take('renewal');
    const { ticket } = await callNext(f.counter2);
    expect(ticket.number).toBe(late.number);
    expect((await act(ticket.id, 'no-show')).body.error.code).toBe('ticket_state_invalid');
    expect((await act(ticket.id, 'recall')).body.recalls).toBe(1);
    expect((await act(ticket.id, 'recall')).body.recalls).toBe(2);
    const third = await act(ticket.id, 'recall');
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('ticket_state_invalid');
    expect((await act(ticket.id, 'no-show')).body.status).toBe('no_show');
    h.clock.advance(1000);
    const rejoined = await act(ticket.id, 'rejoin');
    expect(rejoined.body).toMatchObject({ status: 'waiting', recalls: 0 });
    expect((await h.request({ method: 'GET', url: `/v1/tickets/${late.token}` })).body.ahead).toBe(1);
    expect((await callNext(f.counter2)).ticket.number).toBe(other.number);
    await drain();
  });

  it('transfers to another service or to one counter, keeping the ticket’s place in time', async () => {
    const first = await take('renewal');
    h.clock.advance(1000);
    const enquiry = await take('enquiry');
    const { ticket } = await callNext(f.counter2);
    expect(ticket.number).toBe(first.number);
    const moved = await act(ticket.id, 'transfer', { service: 'enquiry' });
    expect(moved.body).toMatchObject({ status: 'waiting', service: 'enquiry' });
    // Counter 2 serves renewals only: nothing for it now.
    expect((await callNext(f.counter2)).ticket).toBeNull();
    // It came before the enquiry ticket, so counter 1 calls it first.
    const next = await callNext(f.counter1);
    expect(next.ticket.number).toBe(first.number);
    const wrong = await act(next.ticket.id, 'transfer', { counter: f.counter2 });
    expect(wrong.body.error.code).toBe('ticket_state_invalid');
    await act(next.ticket.id, 'transfer', { service: 'renewal', counter: f.counter2 });
    expect((await callNext(f.counter1)).ticket.number).toBe(enquiry.number);
    expect((await callNext(f.counter2)).ticket.number).toBe(first.number);
    await drain();
  });

  it('serves a walk-in at once, and will not call the next one before the current is finished', async () => {
    const walkIn = await clerk.call('POST', `/v1/console/counters/${f.counter1}/walk-in`, { service: 'renewal' });
    expect(walkIn.status).toBe(201);
    expect(walkIn.body).toMatchObject({ status: 'serving', source: 'walk_in', counter: '1' });
    await take('renewal');
    const busy = await clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`);
    expect(busy.body.error.code).toBe('ticket_state_invalid');
    await act(walkIn.body.id, 'finish');
    await drain();
  });

  it('estimates the wait from the median of recent service times', async () => {
    await h.admin('POST', `/v1/admin/halls/${f.hall}/services`, { code: 'sim', name: { 'zh-CN': '新卡', en: 'New SIM' }, ticketPrefix: 'C' });
    const layout = (await h.admin('POST', `/v1/admin/halls/${f.hall}/counters`, { name: '3', services: ['sim'] })).body;
    const counter3 = layout.counters.find((c: { name: string }) => c.name === '3').id;
    await supervisor.call('POST', `/v1/console/counters/${counter3}/open`);
    // Serve 3 tickets taking 60, 120 and 600 s: the median is 120 s.
    for (const seconds of [60, 120, 600]) {
      await take('sim');
      const { ticket } = await callNext(counter3);
      await act(ticket.id, 'start');
      h.clock.advance(seconds * 1000);
      await act(ticket.id, 'finish');
    }
    await take('sim');
    await take('sim');
    const third = await take('sim');
    // 2 ahead × 120 s ÷ 1 open counter serving the service.
    expect(third).toMatchObject({ ahead: 2, estimatedWaitSeconds: 240 });
    const board = (await h.request({ method: 'GET', url: `/v1/halls/${f.hall}/board` })).body;
    expect(board.services.find((s: { code: string }) => s.code === 'sim')).toMatchObject({ waiting: 3, estimatedWaitSeconds: 360 });
    for (let i = 0; i < 3; i++) await act((await callNext(counter3)).ticket.id, 'finish');
    await supervisor.call('POST', `/v1/console/counters/${counter3}/close`);
  });

  it('never calls one ticket to two counters calling at the same moment', async () => {
    const clerk2 = await signIn(h, 'clerk2');
    const issued = new Set<string>();
    for (let i = 0; i < 8; i++) issued.add((await take('renewal')).number);
    const called: string[] = [];
    const work = async (who: StaffClient, counter: string) => {
      for (;;) {
        const res = await who.call('POST', `/v1/console/counters/${counter}/call-next`);
        expect(res.status).toBe(200);
        if (!res.body.ticket) return;
        called.push(res.body.ticket.number);
        expect((await who.call('POST', `/v1/console/tickets/${res.body.ticket.id}/finish`)).status).toBe(200);
      }
    };
    await Promise.all([work(clerk, f.counter1), work(clerk2, f.counter2)]);
    expect(called.sort()).toEqual([...issued].sort());
  });

  it('gives one counter one ticket when it calls several times at the same moment; the others are told to finish it', async () => {
    await drain();
    for (let i = 0; i < 4; i++) await take('renewal');
    const answers = await Promise.all(Array.from({ length: 4 }, () => clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`)));
    const called = answers.filter((r) => r.status === 200 && r.body.ticket);
    expect(called).toHaveLength(1);
    for (const r of answers.filter((r) => !(r.status === 200 && r.body.ticket))) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('ticket_state_invalid');
      expect(r.body.error.message).toContain(called[0]?.body.ticket.number);
    }
    const current = await h.services.db.kysely
      .selectFrom('hall_tickets')
      .select('number')
      .where('counter_id', '=', f.counter1)
      .where('status', 'in', ['called', 'serving'])
      .execute();
    expect(current.map((t) => t.number)).toEqual([called[0]?.body.ticket.number]);
    await drain();
  });

  it('calls, and counts the people ahead, by the queue rules for any mix of priorities, places and transfers', async () => {
    await drain();
    const db = h.services.db.kysely;
    const { layouts } = h.services.queue;
    const layout = await layouts.get(f.hall);
    const counter = layout.counters.find((c) => c.id === f.counter1) as { id: string; serviceIds: string[] };
    const clerkId = (await db.selectFrom('staff').select('id').where('username', '=', 'clerk1').executeTakeFirstOrThrow()).id;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            priority: fc.constantFrom('none', 'none', 'elderly', 'disabled', 'appointment'),
            second: fc.integer({ min: 0, max: 5 }),
            service: fc.constantFrom(f.renewal, f.enquiry),
            target: fc.constantFrom(null, null, null, f.counter1, f.counter2),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (specs) => {
          await db.deleteFrom('hall_tickets').where('day', '=', '2000-01-01').execute();
          const rows = specs.map((t, i) => ({
            id: `tkt_prop${String(i).padStart(3, '0')}${Math.random().toString(36).slice(2, 8)}`,
            token: `tt_prop${i}${Math.random().toString(36).slice(2)}`,
            hall_id: f.hall,
            service_id: t.service,
            day: '2000-01-01',
            sequence: 1000 + i,
            number: `P${i}`,
            priority: t.priority as 'none',
            source: 'kiosk' as const,
            phone: null,
            status: 'waiting' as const,
            recalls: 0,
            counter_id: null,
            target_counter_id: t.target,
            clerk_id: null,
            near_notified: 0,
            issued_at: '2000-01-01T00:00:00.000Z',
            queued_at: `2000-01-01T00:00:0${t.second}.000Z`,
            called_at: null,
            first_called_at: null,
            started_at: null,
            finished_at: null,
            updated_at: '2000-01-01T00:00:00.000Z',
          }));
          await db.insertInto('hall_tickets').values(rows).execute();
          let waiting = rows.map(toQueued);
          for (const row of rows) expect(await countAhead(db, row), row.number).toBe(peopleAhead(waiting, toQueued(row)));
          for (;;) {
            const expected = nextForCounter(waiting, counter.id, counter.serviceIds);
            const now = new Date();
            const records = {
              message: calledNotice(layout.hall, '1', now),
              audit: auditRow(null, '127.0.0.1', { operatorId: layout.hall.operator_id, hallId: f.hall, action: 'property.call' }, now),
            };
            const claimed = await callNextInDatabase(h.services.db, f.hall, counter, clerkId, now, records);
            if (claimed) await db.updateTable('hall_tickets').set({ status: 'done' }).where('id', '=', claimed.id).execute();
            expect(claimed?.id).toBe(expected?.id);
            if (!expected) break;
            waiting = waiting.filter((t) => t.id !== expected.id);
          }
        },
      ),
      { numRuns: 40 },
    );
    await db.deleteFrom('hall_tickets').where('day', '=', '2000-01-01').execute();
  });

  it('keeps staff of one hall out of another, and every console route away from anonymous and subscriber callers', async () => {
    const north = await signIn(h, 'northclerk');
    expect((await north.call('POST', `/v1/console/counters/${f.counter1}/call-next`)).status).toBe(403);
    expect((await north.call('GET', `/v1/console/counters/${f.counter1}`)).status).toBe(403);
    const t = await take('renewal');
    const { ticket } = await callNext(f.counter1);
    expect(ticket.number).toBe(t.number);
    expect((await north.call('POST', `/v1/console/tickets/${ticket.id}/finish`)).status).toBe(403);
    const admin = await signIn(h, 'opadmin');
    expect((await admin.call('GET', `/v1/console/counters/${f.counter1}`)).status).toBe(200);
    const routes: [string, string][] = [
      ['GET', `/v1/console/counters/${f.counter1}`],
      ['POST', `/v1/console/counters/${f.counter1}/call-next`],
      ['POST', `/v1/console/counters/${f.counter1}/open`],
      ['POST', `/v1/console/tickets/${ticket.id}/finish`],
      ['GET', '/v1/staff/me'],
    ];
    for (const [method, url] of routes) {
      const anonymous = await h.request({ method: method as 'GET', url });
      expect(anonymous.status, `${method} ${url}`).toBe(401);
      const subscriber = await h.request({ method: method as 'GET', url, headers: { cookie: 'simkeep_session=abc' } });
      expect(subscriber.status).toBe(401);
      const bearer = await h.request({ method: method as 'GET', url, headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } });
      expect(bearer.status).toBe(401);
    }
    await act(ticket.id, 'finish');
  });

  it('audits every console action with the clerk and the client address', async () => {
    const rows = await h.services.db.kysely.selectFrom('audit_log').select(['action', 'actor', 'ip', 'hall_id']).where('action', 'like', 'ticket.%').execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['ticket.call', 'ticket.recall', 'ticket.no_show', 'ticket.rejoin', 'ticket.transfer', 'ticket.start', 'ticket.finish', 'ticket.walk_in'])
      expect(actions).toContain(a);
    expect(rows.every((r) => r.actor.startsWith('staff:') && r.ip === '127.0.0.1' && r.hall_id === f.hall)).toBe(true);
    // A call's entry names the ticket it called, by id and by number, and the counter.
    const calls = await h.services.db.kysely
      .selectFrom('audit_log as a')
      .innerJoin('hall_tickets as t', 't.id', 'a.subject')
      .select(['a.detail', 't.number'])
      .where('a.action', '=', 'ticket.call')
      .execute();
    expect(calls.length).toBeGreaterThan(0);
    const counters = await h.services.db.kysely.selectFrom('hall_counters').select('id').where('hall_id', '=', f.hall).execute();
    for (const call of calls) {
      const detail = JSON.parse(call.detail ?? 'null');
      expect(detail).toEqual({ number: call.number, counter: expect.any(String) });
      expect(counters.map((c) => c.id)).toContain(detail.counter);
    }
    expect(calls.length).toBe(rows.filter((r) => r.action === 'ticket.call').length);
  });
});
