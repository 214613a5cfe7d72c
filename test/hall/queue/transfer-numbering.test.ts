/**
 * Issue #16, item 12: a transferred ticket keeps its printed number and its place, and the
 * service it moves to keeps its own numbering. Before, the ticket kept its sequence under
 * its new service and the unique key (service, day, sequence) either refused the transfer
 * (500) or, when it let it through, refused that service's next kiosk ticket all day.
 */

import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateTo } from '../../../src/db/database.js';
import { DIALECTS } from '../../support/databases.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { type HallFixture, queueActions, type StaffClient, setUpHall, signIn } from '../support.js';

describe.each(DIALECTS)('transfer numbering (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  beforeEach(async () => {
    h = await startHarness(dialect, {}, '2026-11-24T02:00:00Z');
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    const supervisor = await signIn(h, 'super1');
    for (const counter of [f.counter1, f.counter2]) await supervisor.call('POST', `/v1/console/counters/${counter}/open`);
  });
  afterEach(() => h.close());

  const { kiosk, take, callNext, act } = queueActions(() => ({ h, f, clerk }));

  it('moves A001 to a service that has issued B001, and that service goes on with B002', async () => {
    const a1 = await take('renewal');
    h.clock.advance(1000);
    const b1 = await take('enquiry');
    expect([a1.number, b1.number]).toEqual(['A001', 'B001']);
    // Counter 2 serves renewals only, so it calls A001.
    const { ticket } = await callNext(f.counter2);
    expect(ticket.number).toBe('A001');
    const moved = await act(ticket.id, 'transfer', { service: 'enquiry' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ number: 'A001', service: 'enquiry', status: 'waiting' });
    const b2 = await kiosk('enquiry');
    expect(b2.status).toBe(201);
    expect(b2.body.number).toBe('B002');
    expect((await h.request({ method: 'GET', url: `/v1/tickets/${a1.token}` })).body).toMatchObject({ number: 'A001', ahead: 0 });
    // A001 was issued first, so it keeps its place before B001 and B002.
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await callNext(f.counter1);
      order.push(next.ticket.number);
      await act(next.ticket.id, 'finish');
    }
    expect(order).toEqual(['A001', 'B001', 'B002']);
  });

  it('after A002 moves to a service that has issued only B001, that service’s kiosk still issues B002, B003…', async () => {
    await take('renewal');
    const a2 = await take('renewal');
    h.clock.advance(1000);
    await take('enquiry');
    const first = await callNext(f.counter2);
    await act(first.ticket.id, 'finish');
    const { ticket } = await callNext(f.counter2);
    expect(ticket.number).toBe('A002');
    const moved = await act(ticket.id, 'transfer', { service: 'enquiry' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ number: 'A002', service: 'enquiry' });
    for (const expected of ['B002', 'B003']) {
      const next = await kiosk('enquiry');
      expect(next.status).toBe(201);
      expect(next.body.number).toBe(expected);
    }
    // The renewal numbering is untouched too.
    expect((await take('renewal')).number).toBe('A003');
    expect((await h.request({ method: 'GET', url: `/v1/tickets/${a2.token}` })).body).toMatchObject({ number: 'A002', ahead: 0 });
    // And the ticket can move back where it came from.
    const back = await callNext(f.counter1);
    expect(back.ticket.number).toBe('A002');
    expect((await act(back.ticket.id, 'transfer', { service: 'renewal' })).status).toBe(200);
  });
});

describe.each(DIALECTS)('migration 0013 on a hall day already under way (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let clerk: StaffClient;
  const { take, callNext, act } = queueActions(() => ({ h, f, clerk }));
  afterEach(() => h.close());

  // The day's tickets, as numbers and statuses; the same before and after.
  const tickets = async () =>
    (await sql<{ number: string; status: string }>`select number, status from hall_tickets order by number`.execute(h.database.db.kysely)).rows;

  /** A001 served, A002 and B001 waiting, on a database as migrated to `to`. */
  async function dayUnderWay(migratedTo?: string) {
    h = await startHarness(dialect, {}, '2026-11-24T02:00:00Z', migratedTo ? { migratedTo } : {});
    f = await setUpHall(h);
    clerk = await signIn(h, 'clerk1');
    await (await signIn(h, 'super1')).call('POST', `/v1/console/counters/${f.counter2}/open`);
    await take('renewal');
    await take('enquiry');
    const called = await callNext(f.counter2);
    await act(called.ticket.id, 'finish');
    await take('renewal');
    const before = await tickets();
    expect(before).toEqual([
      { number: 'A001', status: 'done' },
      { number: 'A002', status: 'waiting' },
      { number: 'B001', status: 'waiting' },
    ]);
    return before;
  }

  async function expectNewKeyHolds() {
    // The kiosk goes on where the day left off, and a second A001 that day is refused.
    expect((await take('renewal')).number).toBe('A003');
    await expect(sql`insert into hall_tickets select * from hall_tickets where number = 'A001'`.execute(h.database.db.kysely)).rejects.toThrow(
      /unique|duplicate/i,
    );
  }

  it('applied to a database made before it (SQLite rebuilds the table), keeps every ticket', async () => {
    const before = await dayUnderWay('0012_reminder_index_kind');
    // 0013 first, then whatever later migrations there are.
    expect((await migrateTo(h.database.db, undefined))[0]).toBe('0013_hall_ticket_number_key');
    expect(await tickets()).toEqual(before);
    await expectNewKeyHolds();
  });

  it('reverted and applied again, keeps every ticket', async () => {
    const before = await dayUnderWay();
    const reverted = await migrateTo(h.database.db, '0012_reminder_index_kind');
    expect(reverted.at(-1)).toBe('0013_hall_ticket_number_key');
    expect(await migrateTo(h.database.db, undefined)).toEqual([...reverted].reverse());
    expect(await tickets()).toEqual(before);
    await expectNewKeyHolds();
  });
});
