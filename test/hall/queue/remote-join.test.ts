/**
 * Joining a hall's queue from afar: the SMS when 3 are ahead and when called, leaving from
 * the phone page, opening hours, the per-address limit, and one live ticket per phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calledMessage } from '../../../src/hall/queue/queue-notices.js';
import { DIALECTS } from '../../support/databases.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { type HallFixture, queueActions, type StaffClient, setUpHall, signIn } from '../support.js';

describe.each(DIALECTS)('remote queue joining over HTTP (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  beforeAll(async () => {
    // 2026-11-25 00:00 in Shanghai.
    h = await startHarness(dialect, {}, '2026-11-24T16:00:00Z');
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    const supervisor = await signIn(h, 'super1');
    for (const counter of [f.counter1, f.counter2]) await supervisor.call('POST', `/v1/console/counters/${counter}/open`);
  });
  afterAll(() => h.close());

  const { take, callNext, act, drain } = queueActions(() => ({ h, f, clerk }));

  it('sends an SMS to a remote ticket when 3 are ahead and when it is called', async () => {
    const phone = '+8613800138123';
    for (let i = 0; i < 5; i++) await take('renewal');
    const remote = await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/remote-tickets`, payload: { service: 'renewal', phone } });
    expect(remote.status).toBe(201);
    expect(remote.body.ahead).toBe(5);
    const messages = () => h.services.db.kysely.selectFrom('outbox').select(['body', 'channel']).where('recipient', '=', phone).orderBy('created_at').execute();
    await act((await callNext(f.counter1)).ticket.id, 'finish');
    expect(await messages()).toEqual([]);
    await act((await callNext(f.counter1)).ticket.id, 'finish');
    const near = await messages();
    expect(near).toHaveLength(1);
    expect(near[0]?.body).toContain('3');
    await act((await callNext(f.counter1)).ticket.id, 'finish');
    expect(await messages()).toHaveLength(1);
    for (let i = 0; i < 2; i++) await act((await callNext(f.counter1)).ticket.id, 'finish');
    const called = await callNext(f.counter1);
    expect(called.ticket.number).toBe(remote.body.number);
    expect(called.ticket.phone).toBe('+86 138****8123');
    const sent = await messages();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toBe(calledMessage('Central hall', remote.body.number, '1'));
    const status = (await h.request({ method: 'GET', url: `/v1/tickets/${remote.body.token}` })).body;
    expect(status).toMatchObject({ status: 'called', counter: '1', ahead: null });
    const board = (await h.request({ method: 'GET', url: `/v1/halls/${f.hall}/board` })).body;
    expect(board.calling[0]).toMatchObject({ number: remote.body.number, counter: '1' });
    expect(board.recent.length).toBeGreaterThan(0);
    await drain();
  });

  it('lets a customer leave the queue from the phone page, while waiting only', async () => {
    const t = await take('enquiry');
    const left = await h.request({ method: 'POST', url: `/v1/tickets/${t.token}/cancel` });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ status: 'cancelled', ahead: null });
    expect((await h.request({ method: 'POST', url: `/v1/tickets/${t.token}/cancel` })).body.error.code).toBe('ticket_state_invalid');
    expect((await callNext(f.counter1)).ticket).toBeNull();
  });

  it('refuses remote joining while the hall is closed by its opening hours, says when it opens, and lets the kiosk serve', async () => {
    // Weekdays 09:00–18:00 in Shanghai; the suite's clock is 23:50 or later there.
    const hall = (
      await h.admin('POST', '/v1/admin/operators/demo/halls', {
        name: 'Office hours hall',
        address: '3 Office Road',
        openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00', '18:00']])),
        timeZone: 'Asia/Shanghai',
      })
    ).body;
    await h.admin('POST', `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' });
    const saved = h.clock.now();
    try {
      h.clock.set('2026-11-26T14:00:00Z'); // Thursday 22:00 in Shanghai
      const kiosk = (await h.request({ method: 'GET', url: `/v1/halls/${hall.id}` })).body;
      expect(kiosk).toMatchObject({ open: false, opensAt: '2026-11-27T01:00:00Z', closesAt: null });
      const join = await h.request({ method: 'POST', url: `/v1/halls/${hall.id}/remote-tickets`, payload: { service: 'renewal' } });
      expect(join.status).toBe(409);
      expect(join.body.error).toMatchObject({ code: 'hall_closed', details: { opensAt: '2026-11-27T01:00:00Z' } });
      expect((await h.request({ method: 'POST', url: `/v1/halls/${hall.id}/tickets`, payload: { service: 'renewal' } })).status).toBe(201);
      h.clock.set('2026-11-27T01:00:00Z'); // Friday 09:00
      expect((await h.request({ method: 'GET', url: `/v1/halls/${hall.id}` })).body).toMatchObject({ open: true, closesAt: '2026-11-27T10:00:00Z' });
      expect((await h.request({ method: 'POST', url: `/v1/halls/${hall.id}/remote-tickets`, payload: { service: 'renewal' } })).status).toBe(201);
    } finally {
      h.clock.set(saved.toISOString());
    }
    const wrong = await h.admin('POST', '/v1/admin/operators/demo/halls', { name: 'Backwards', address: 'x', openingHours: { sat: ['18:00', '09:00'] } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('openingHours.sat');
  });

  it('lets one client address join a hall remotely 20 times within the window, then answers 429 until the window passes', async () => {
    const hall = (await h.admin('POST', '/v1/admin/operators/demo/halls', { name: 'Busy hall', address: '5 Busy Road' })).body;
    await h.admin('POST', `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' });
    const join = (hallId: string, remoteAddress = '203.0.113.7') =>
      h.request({ method: 'POST', url: `/v1/halls/${hallId}/remote-tickets`, payload: { service: 'renewal' }, remoteAddress });
    for (let i = 0; i < 20; i++) expect((await join(hall.id)).status).toBe(201);
    const refused = await join(hall.id);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_attempts');
    expect(refused.body.error.details.retryAfter).toBeGreaterThan(0);
    // Another address, another hall, and the kiosk are not held back.
    expect((await join(hall.id, '198.51.100.9')).status).toBe(201);
    expect((await join(f.otherHall)).status).toBe(201);
    expect(
      (await h.request({ method: 'POST', url: `/v1/halls/${hall.id}/tickets`, payload: { service: 'renewal' }, remoteAddress: '203.0.113.7' })).status,
    ).toBe(201);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await join(hall.id)).status).toBe(201);
  });

  it('holds one live ticket per phone number and hall: a second join is refused until the first has left or been served', async () => {
    await drain();
    const phone = '+8613900139007';
    const join = () => h.request({ method: 'POST', url: `/v1/halls/${f.hall}/remote-tickets`, payload: { service: 'enquiry', phone } });
    const first = await join();
    expect(first.status).toBe(201);
    const again = await Promise.all([join(), join()]);
    for (const r of again) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('ticket_exists');
      expect(r.raw).not.toContain(first.body.token);
    }
    // Another hall, or the kiosk (no phone), is not affected.
    expect((await h.request({ method: 'POST', url: `/v1/halls/${f.otherHall}/remote-tickets`, payload: { service: 'renewal', phone } })).status).toBe(201);
    // Called and marked a no-show: the number may join again, and the no-show then cannot rejoin.
    const { ticket } = await callNext(f.counter1);
    expect(ticket.number).toBe(first.body.number);
    for (let i = 0; i < 2; i++) expect((await act(ticket.id, 'recall')).status).toBe(200);
    expect((await act(ticket.id, 'no-show')).status).toBe(200);
    const rejoined = await join();
    expect(rejoined.status).toBe(201);
    const refused = await act(ticket.id, 'rejoin');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ticket_state_invalid');
    // Leaving the queue frees the number.
    expect((await h.request({ method: 'POST', url: `/v1/tickets/${rejoined.body.token}/cancel` })).status).toBe(200);
    expect((await join()).status).toBe(201);
    await drain();
  });
});
