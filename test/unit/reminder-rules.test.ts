/** The pure reminder rules: step days and their inverse, rendering, quiet hours in several zones, backoff. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/cards/calendar.js';
import { quietUntil } from '../../src/notify/quiet-hours.js';
import { FIRST_RETRY_MS, MAX_RETRY_MS, retryDelay } from '../../src/notify/retry.js';
import { DEFAULT_SCHEDULE, milestones, placeholderValues, render, stepDay, targetValidUntil, unknownPlaceholders } from '../../src/reminders/schedule.js';

const policy = { graceDays: 30, suspendDays: 90 };
const dates = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('2000-01-01', n));

describe('reminder steps', () => {
  it('fire on the documented days of the default schedule', () => {
    const days = Object.fromEntries(DEFAULT_SCHEDULE.map((step) => [step.code, stepDay(step, '2027-01-31', policy)]));
    expect(days).toEqual({
      'before-30': '2027-01-01',
      'before-7': '2027-01-24',
      'before-1': '2027-01-30',
      grace: '2027-02-01',
      'before-suspension': '2027-02-24', // suspended from 2027-03-03 (31 days after)
    });
    expect(milestones('2027-01-31', policy)).toEqual({ graceEnds: '2027-03-02', suspendOn: '2027-03-03', recycleOn: '2027-06-01' });
  });

  it('select on a day exactly the cards they fire for on that day', () => {
    fc.assert(
      fc.property(dates, fc.constantFrom(...DEFAULT_SCHEDULE), fc.integer({ min: 0, max: 60 }), (day, step, graceDays) => {
        const p = { graceDays, suspendDays: 90 };
        expect(stepDay(step, targetValidUntil(step, day, p), p)).toBe(day);
      }),
    );
  });

  it('render known placeholders and report unknown ones', () => {
    const values = placeholderValues({
      operator: 'Demo',
      msisdn: '+86 138****8000',
      validUntil: '2027-01-31',
      today: '2027-01-24',
      plan: '1 month',
      price: '¥8.00',
      link: 'L',
      policy,
    });
    expect(render('{{operator}}: {{msisdn}} {{daysLeft}} days, {{ price }} {{link}} {{graceEnds}}', values)).toBe(
      'Demo: +86 138****8000 7 days, ¥8.00 L 2027-03-02',
    );
    expect(unknownPlaceholders('{{msisdn}} {{name}} {{name}} {{x}}')).toEqual(['name', 'x']);
    for (const step of DEFAULT_SCHEDULE)
      for (const t of Object.values(step.templates)) expect([...unknownPlaceholders(t.text), ...unknownPlaceholders(t.subject)]).toEqual([]);
  });
});

describe('quiet hours', () => {
  const night = { start: '21:00', end: '09:00' };
  it('hold a message inside the window until its end, in the operator zone', () => {
    // 22:30 in Shanghai (UTC+8) → 09:00 the next morning.
    expect(quietUntil(new Date('2026-11-24T14:30:00Z'), 'Asia/Shanghai', night)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    // 05:00 in Shanghai → 09:00 the same morning.
    expect(quietUntil(new Date('2026-11-24T21:00:00Z'), 'Asia/Shanghai', night)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    // 12:00 in Shanghai: not quiet. The same instant is 23:00 in New York's previous evening.
    expect(quietUntil(new Date('2026-11-24T04:00:00Z'), 'Asia/Shanghai', night)).toBeUndefined();
    expect(quietUntil(new Date('2026-11-24T04:00:00Z'), 'America/New_York', night)?.toISOString()).toBe('2026-11-24T14:00:00.000Z');
    // Window edges: 21:00 is quiet, 09:00 is not.
    expect(quietUntil(new Date('2026-11-24T13:00:00Z'), 'Asia/Shanghai', night)).toBeDefined();
    expect(quietUntil(new Date('2026-11-25T01:00:00Z'), 'Asia/Shanghai', night)).toBeUndefined();
  });

  it('end at local 09:00 across a DST change, and a daytime window works too', () => {
    // Europe/Berlin leaves summer time on 2026-10-25: 09:00 that morning is 08:00Z, not 07:00Z.
    expect(quietUntil(new Date('2026-10-24T21:00:00Z'), 'Europe/Berlin', night)?.toISOString()).toBe('2026-10-25T08:00:00.000Z');
    const lunch = { start: '12:00', end: '14:00' };
    expect(quietUntil(new Date('2026-11-24T04:30:00Z'), 'Asia/Shanghai', lunch)?.toISOString()).toBe('2026-11-24T06:00:00.000Z');
    expect(quietUntil(new Date('2026-11-24T06:30:00Z'), 'Asia/Shanghai', lunch)).toBeUndefined();
    expect(quietUntil(new Date('2026-11-24T14:30:00Z'), 'Asia/Shanghai', { start: '00:00', end: '00:00' })).toBeUndefined();
  });
});

describe('retry backoff', () => {
  it('doubles from one minute, is capped at six hours, and jitters by at most a fifth', () => {
    expect(retryDelay(1, 0)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(2, 0)).toBe(2 * FIRST_RETRY_MS);
    expect(retryDelay(4, 0)).toBe(8 * FIRST_RETRY_MS);
    expect(retryDelay(30, 0)).toBe(MAX_RETRY_MS);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempts, random) => {
        const base = retryDelay(attempts, 0);
        const delay = retryDelay(attempts, random);
        expect(delay).toBeGreaterThanOrEqual(base);
        expect(delay).toBeLessThanOrEqual(Math.round(base * 1.2));
        expect(retryDelay(attempts + 1, 0)).toBeGreaterThanOrEqual(base);
      }),
    );
  });
});
