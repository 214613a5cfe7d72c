import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { type HallFixture, queueActions, type StaffClient, setUpHall, signIn } from '../support.js';

describe.each(DIALECTS)('the queue over HTTP (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  beforeAll(async () => {
    // 2026-11-24 23:50 in Shanghai: ten minutes before the sequence restarts.
    h = await startHarness(dialect, {}, '2026-11-24T15:50:00Z');
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    // The counters that call tickets away (the console's own tests open them through the console).
    const supervisor = await signIn(h, 'super1');
    for (const counter of [f.counter1, f.counter2]) await supervisor.call('POST', `/v1/console/counters/${counter}/open`);
  });
  afterAll(() => h.close());

  const { take, callNext, drain } = queueActions(() => ({ h, f, clerk }));

  it('numbers tickets per service with a daily sequence that restarts at the hall’s local midnight', async () => {
    const a1 = await take('renewal');
    const a2 = await take('renewal');
    const b1 = await take('enquiry');
    expect([a1.number, a2.number, b1.number]).toEqual(['A001', 'A002', 'B001']);
    expect(a2).toMatchObject({ status: 'waiting', ahead: 1, service: { code: 'renewal' }, hall: { id: f.hall } });
    expect(a2.followUrl).toBe(`https://renew.example.test/queue/${a2.token}`);
    h.clock.set('2026-11-24T16:00:00Z'); // 00:00 on the 25th in Shanghai
    expect((await take('renewal')).number).toBe('A001');
    const status = await h.request({ method: 'GET', url: `/v1/tickets/${a1.token}` });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ number: 'A001', ahead: 0 });
    const qr = await h.request({ method: 'GET', url: `/v1/tickets/${a1.token}/qr.svg` });
    expect(qr.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect((await h.request({ method: 'GET', url: '/v1/tickets/tt_unknownunknownunknown' })).body.error.code).toBe('ticket_not_found');
  });

  it('answers malformed input with 4xx and a stable code, writing nothing', async () => {
    const before = await h.services.db.kysely
      .selectFrom('hall_tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/v1/halls/${f.hall}/tickets`, { service: 'nope' }, 404, 'service_not_found'],
      ['POST', `/v1/halls/${f.hall}/tickets`, { service: 'renewal', priority: 'vip' }, 400, 'invalid_request'],
      ['POST', `/v1/halls/${f.hall}/tickets`, { service: 'renewal', extra: 1 }, 400, 'invalid_request'],
      ['POST', `/v1/halls/${f.hall}/remote-tickets`, { service: 'renewal', phone: '13800138000' }, 400, 'invalid_request'],
      ['POST', `/v1/halls/${f.hall}/remote-tickets`, { service: 'renewal', phone: '+999123' }, 400, 'invalid_request'],
      ['POST', '/v1/halls/hall_nothere/tickets', { service: 'renewal' }, 404, 'hall_not_found'],
      ['POST', '/v1/halls/not-a-hall/tickets', { service: 'renewal' }, 400, 'invalid_request'],
      ['POST', `/v1/halls/${f.hall}/tickets`, '{"service": ', 400, 'invalid_request'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const res = await h.request({ method: method as 'POST', url, payload: payload as string, headers: { 'content-type': 'application/json' } });
      expect(res.status, `${url} ${JSON.stringify(payload)}`).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    const bad = await clerk.call('POST', `/v1/console/tickets/tkt_NOPE/finish`);
    expect(bad.body.error.code).toBe('ticket_not_found');
    const transfer = await clerk.call('POST', `/v1/console/tickets/tkt_NOPE/transfer`, {});
    expect(transfer.status).toBe(404);
    const after = await h.services.db.kysely
      .selectFrom('hall_tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('closes the queues of past days after the hall’s local midnight: waiting tickets are cancelled, called ones are no-shows', async () => {
    await drain();
    const phone = '+8613900139011';
    const join = () => h.request({ method: 'POST', url: `/v1/halls/${f.hall}/remote-tickets`, payload: { service: 'enquiry', phone } });
    expect((await join()).status).toBe(201);
    await take('renewal');
    await take('renewal');
    const { ticket: called } = await callNext(f.counter1);
    const statusOf = async () =>
      Object.fromEntries(
        (
          await h.services.db.kysely
            .selectFrom('hall_tickets')
            .select(['id', 'status'])
            .where('hall_id', '=', f.hall)
            .where('status', 'in', ['waiting', 'called', 'cancelled', 'no_show'])
            .execute()
        ).map((t) => [t.id, t.status]),
      );
    const before = await statusOf();
    const left = Object.keys(before).filter((id) => before[id] === 'waiting');
    expect(left).toHaveLength(2);
    expect(await h.services.queue.closePastDays()).toBe(0); // still the same day

    h.clock.advance(24 * 60 * 60_000);
    clerk = await signIn(h, 'clerk1'); // yesterday's session has ended
    const today = await take('renewal');
    // Earlier tests left tickets in this hall and others too: all of past days go.
    expect(await h.services.queue.closePastDays()).toBeGreaterThanOrEqual(3);
    const { kysely } = h.services.db;
    const mine = await kysely.selectFrom('hall_tickets').select(['id', 'day']).where('token', '=', today.token).executeTakeFirstOrThrow();
    const stale = await kysely
      .selectFrom('hall_tickets')
      .select('id')
      .where('hall_id', '=', f.hall)
      .where('status', 'in', ['waiting', 'called'])
      .where('day', '<', mine.day)
      .execute();
    expect(stale).toEqual([]);
    const after = await statusOf();
    expect(after[called.id]).toBe('no_show');
    for (const id of left) expect(after[id]).toBe('cancelled');
    expect(await h.services.queue.closePastDays()).toBe(0);
    // The counter is free, the morning's first call is today's ticket, and the phone may join again.
    const counterState = await clerk.call('GET', `/v1/console/counters/${f.counter1}`);
    expect(counterState.body, counterState.raw).toMatchObject({ current: null });
    expect(after[mine.id]).toBe('waiting');
    expect((await callNext(f.counter1)).ticket.id).toBe(mine.id);
    expect((await join()).status).toBe(201);
    await drain();
  });

  it('closes each hall’s day at its own local midnight', async () => {
    const open = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00', '24:00']]));
    const west = await h.admin('POST', '/v1/admin/operators/demo/halls', {
      name: 'West hall',
      address: '1 Market St',
      timeZone: 'America/Los_Angeles',
      openingHours: open,
    });
    expect(west.status).toBe(201);
    const service = await h.admin('POST', `/v1/admin/halls/${west.body.id}/services`, {
      code: 'renewal',
      name: { 'zh-CN': '续费', en: 'Renewal' },
      ticketPrefix: 'W',
    });
    expect(service.status).toBe(201);
    const statusOf = async (token: string) =>
      (await h.services.db.kysely.selectFrom('hall_tickets').select('status').where('token', '=', token).executeTakeFirstOrThrow()).status;

    h.clock.set('2026-11-30T07:00:00Z'); // 23:00 on the 29th in Los Angeles, 15:00 on the 30th in Shanghai
    const inWest = await h.request({ method: 'POST', url: `/v1/halls/${west.body.id}/tickets`, payload: { service: 'renewal' } });
    expect(inWest.status).toBe(201);
    const inCentral = await take('renewal');
    h.clock.set('2026-11-30T09:00:00Z'); // past midnight in Los Angeles only
    await h.services.queue.closePastDays();
    expect([await statusOf(inWest.body.token), await statusOf(inCentral.token)]).toEqual(['cancelled', 'waiting']);
    h.clock.set('2026-11-30T16:30:00Z'); // 00:30 on 1 December in Shanghai, 08:30 on the 30th in Los Angeles
    const laterInWest = await h.request({ method: 'POST', url: `/v1/halls/${west.body.id}/tickets`, payload: { service: 'renewal' } });
    await h.services.queue.closePastDays();
    expect([await statusOf(inCentral.token), await statusOf(laterInWest.body.token)]).toEqual(['cancelled', 'waiting']);
  });

  it('numbers the thousandth ticket of a day with four digits: the prefix, then at least three', async () => {
    const { number } = await take('renewal');
    const { kysely } = h.services.db;
    const service = await kysely.selectFrom('hall_services').select('id').where('hall_id', '=', f.hall).where('code', '=', 'renewal').executeTakeFirstOrThrow();
    await kysely
      .updateTable('hall_ticket_sequences')
      .set({ last_value: 998 })
      .where('service_id', '=', service.id)
      .where('last_value', '=', Number(number.slice(1)))
      .execute();
    expect([(await take('renewal')).number, (await take('renewal')).number]).toEqual(['A999', 'A1000']);
  });
});
