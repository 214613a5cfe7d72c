/**
 * Issue #16, item 11: a step whose day has passed while its reason still holds is sent at
 * the next sweep, once, for the card's current validity, and only the latest step due when
 * several were missed. Before, a step whose day fell before the card existed (an import, a
 * short renewal) was never sent, and a sweep catching up missed days sent every one of them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../src/cards/calendar.js';
import { runReminders } from '../../src/reminders/reminder-cli.js';
import { DEFAULT_SCHEDULE, dueSpan, supersedingSteps } from '../../src/reminders/schedule.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

// DEFAULT_NOW is 2026-11-24T04:00Z: 12:00 in Asia/Shanghai.
const TODAY = '2026-11-24';
const DAY = 24 * 60 * 60_000;

describe('when each default step is due (days from validUntil)', () => {
  const policy = { graceDays: 30, suspendDays: 90 };
  it('runs from the step’s day to the day before the next step, within the status of its day', () => {
    expect(Object.fromEntries(DEFAULT_SCHEDULE.map((step) => [step.code, dueSpan(step, DEFAULT_SCHEDULE, policy)]))).toEqual({
      'before-30': { from: -30, to: -8 },
      'before-7': { from: -7, to: -2 },
      'before-1': { from: -1, to: 0 },
      grace: { from: 1, to: 23 },
      'before-suspension': { from: 24, to: 30 },
    });
    const before7 = DEFAULT_SCHEDULE.find((s) => s.code === 'before-7');
    if (!before7) throw new Error('no before-7');
    expect(supersedingSteps(before7, DEFAULT_SCHEDULE, policy)).toEqual(['before-7', 'before-1', 'grace', 'before-suspension']);
  });
});

describe.each(DIALECTS)('reminder catch-up on %s', (dialect) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h, { displayName: 'Demo Mobile' });
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterEach(() => h.close());

  const queued = (validUntil: string) =>
    h.services.db.kysely
      .selectFrom('outbox')
      .select(['step', 'valid_until'])
      .where('valid_until', '=', validUntil)
      .orderBy('created_at')
      .orderBy('step')
      .execute();
  /** Sweeps on each of the next `days` days; the reminders each sweep enqueued. */
  async function sweepDays(days: number): Promise<number[]> {
    const counts: number[] = [];
    for (let i = 0; i < days; i++) {
      h.clock.advance(DAY);
      counts.push(await h.services.reminders.sweep());
    }
    return counts;
  }

  it('sends a card imported 5 days before expiry its 7-day reminder at the next sweep, then nothing until the 1-day step', async () => {
    const card = await newCard(h, addDays(TODAY, 5));
    expect(await h.services.reminders.sweep()).toBe(1);
    expect(await queued(card.validUntil)).toEqual([{ step: 'before-7', valid_until: card.validUntil }]);
    // TODAY+1 … TODAY+3: the 7-day step is queued already; TODAY+4 is the 1-day step's day;
    // TODAY+5, the last valid day, nothing; TODAY+6, the first day of grace.
    expect(await sweepDays(6)).toEqual([0, 0, 0, 1, 0, 1]);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-7', 'before-1', 'grace']);
  });

  it('sends a card imported after the day’s sweep its missed step at the next day’s sweep', async () => {
    await h.services.reminders.sweep();
    const card = await newCard(h, addDays(TODAY, 5));
    expect(await h.services.reminders.sweep()).toBe(0); // the operator's day is swept once
    expect(await sweepDays(1)).toEqual([1]);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-7']);
  });

  it('sends the missed step once after the sweep was missed for two days', async () => {
    const card = await newCard(h, addDays(TODAY, 8));
    // Today 8 days are left: the 30-day step is due (caught up), the 7-day one is tomorrow.
    expect(await h.services.reminders.sweep()).toBe(1);
    h.clock.advance(2 * DAY); // no sweep on TODAY+1 (the 7-day step's day) nor TODAY+2
    expect(await h.services.reminders.sweep()).toBe(1);
    expect(await sweepDays(2)).toEqual([0, 0]);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-30', 'before-7']);
  });

  it('sends only the latest of several missed steps', async () => {
    const card = await newCard(h, addDays(TODAY, 7));
    h.clock.advance(6 * DAY); // down from the 7-day step's day to the 1-day step's day
    expect(await h.services.reminders.sweep()).toBe(1);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-1']);
    // Down again over the last valid day: the 1-day step is not sent on the first day of grace.
    const late = await newCard(h, addDays(TODAY, 8)); // its 1-day step is tomorrow
    h.clock.advance(3 * DAY);
    expect(await h.services.reminders.sweep()).toBe(2); // `card`'s grace, a day late, and `late`'s
    expect((await queued(late.validUntil)).map((r) => r.step)).toEqual(['grace']);
  });

  it('catches up after expiry only while the step’s status lasts', async () => {
    const inGrace = await newCard(h, addDays(TODAY, -3)); // grace step 2 days late
    const nearSuspension = await newCard(h, addDays(TODAY, -26)); // 5 days before suspension
    const suspended = await newCard(h, addDays(TODAY, -40)); // no step belongs to suspension
    expect(await h.services.reminders.sweep()).toBe(2);
    expect((await queued(inGrace.validUntil)).map((r) => r.step)).toEqual(['grace']);
    expect((await queued(nearSuspension.validUntil)).map((r) => r.step)).toEqual(['before-suspension']);
    expect(await queued(suspended.validUntil)).toEqual([]);
  });

  it('never catches up a validity the card no longer has', async () => {
    const card = await newCard(h, addDays(TODAY, 5));
    await renewOnline(h, card, 'm1');
    // Valid until a month later now: no step of that validity has come yet.
    expect(await h.services.reminders.sweep()).toBe(0);
    expect(await queued(card.validUntil)).toEqual([]);
  });

  // The scheduled sweep looks for late cards only among those that changed since their
  // step's day or whose step's day was not swept (`LateScope`). Each of the next three
  // fails when its part of that rule is left out (the last, when every card is looked at).
  /** A card of 60 days, swept today and on TODAY+29, the eve of its 30-day step. */
  async function onTheStepsEve() {
    const card = await newCard(h, addDays(TODAY, 60));
    await h.services.reminders.sweep();
    h.clock.advance(29 * DAY);
    expect(await h.services.reminders.sweep()).toBe(0);
    return card;
  }

  it('sends a card unchanged for weeks its step late when the step’s day was not swept', async () => {
    const card = await onTheStepsEve();
    h.clock.advance(3 * DAY); // down on TODAY+30, the step's day, and TODAY+31
    expect(await h.services.reminders.sweep()).toBe(1);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-30']);
  });

  it('sends a card unblocked after its step’s day that step late', async () => {
    const card = await onTheStepsEve();
    expect((await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}/block`, { reason: 'lost' })).status).toBe(200);
    expect(await sweepDays(2)).toEqual([0, 0]); // TODAY+30, the step's day, and TODAY+31: blocked
    expect((await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}/unblock`)).status).toBe(200);
    expect(await h.services.reminders.sweep()).toBe(0); // TODAY+31 is swept already
    expect(await sweepDays(1)).toEqual([1]);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-30']);
  });

  it('leaves a step out for good when the card was opted out on its day', async () => {
    const card = await onTheStepsEve();
    const { id } = await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', card.msisdn).executeTakeFirstOrThrow();
    const contact = { card_id: id, channel: 'sms' as const, email: null, locale: 'zh-CN' as const, updated_at: h.clock.now().toISOString() };
    await h.services.db.kysely
      .insertInto('card_contacts')
      .values({ ...contact, opted_out: 1 })
      .execute();
    expect(await sweepDays(1)).toEqual([0]); // TODAY+30: opted out
    await h.services.db.kysely.updateTable('card_contacts').set({ opted_out: 0 }).where('card_id', '=', id).execute();
    // Back in: the 30-day notice is not sent late; the 7-day one comes on its day.
    expect(await sweepDays(23)).toEqual([...Array(22).fill(0), 1]);
    expect((await queued(card.validUntil)).map((r) => r.step)).toEqual(['before-7']);
  });

  it('`simkeep reminders --date` lists and enqueues the caught-up step, and not again the next day', async () => {
    const card = await newCard(h, addDays(TODAY, 5));
    const operator = await h.services.catalog.operatorByCode('demo');
    if (!operator) throw new Error('no operator');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await runReminders(h.services, [operator], TODAY, false);
      await runReminders(h.services, [operator], addDays(TODAY, 1), false);
    } finally {
      log.mockRestore();
    }
    expect(lines).toEqual([
      `demo (Asia/Shanghai) ${TODAY}: 1 reminder`,
      '  before-7: 1',
      expect.stringContaining(`valid until ${card.validUntil}`),
      '  enqueued 1 new (0 were already queued or sent)',
      `demo (Asia/Shanghai) ${addDays(TODAY, 1)}: 0 reminders`,
      '  enqueued 0 new (0 were already queued or sent)',
    ]);
  });
});
