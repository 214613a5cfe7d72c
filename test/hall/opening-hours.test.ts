import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hoursProblem, type OpeningHours, openState, WEEKDAYS } from '../../src/hall/opening-hours.js';

const WEEKDAYS_9_TO_6: OpeningHours = {
  mon: ['09:00', '18:00'],
  tue: ['09:00', '18:00'],
  wed: ['09:00', '18:00'],
  thu: ['09:00', '18:00'],
  fri: ['09:00', '18:00'],
};
const at = (iso: string) => new Date(iso);

describe('opening hours', () => {
  it('is always open without hours', () => {
    expect(openState({}, 'Asia/Shanghai', at('2026-11-26T20:00:00Z'))).toEqual({ open: true, closesAt: null, opensAt: null });
  });

  it('is open inside the day’s hours in the hall’s zone, and says when it closes', () => {
    // Thursday 26 November, 10:00 in Shanghai (02:00 UTC).
    expect(openState(WEEKDAYS_9_TO_6, 'Asia/Shanghai', at('2026-11-26T02:00:00Z'))).toEqual({
      open: true,
      closesAt: '2026-11-26T10:00:00Z',
      opensAt: null,
    });
  });

  it('says when it opens: later today, tomorrow, or after the weekend', () => {
    expect(openState(WEEKDAYS_9_TO_6, 'Asia/Shanghai', at('2026-11-25T23:30:00Z')).opensAt).toBe('2026-11-26T01:00:00Z'); // 07:30 Thu
    expect(openState(WEEKDAYS_9_TO_6, 'Asia/Shanghai', at('2026-11-26T10:00:00Z')).opensAt).toBe('2026-11-27T01:00:00Z'); // 18:00 Thu, closed
    expect(openState(WEEKDAYS_9_TO_6, 'Asia/Shanghai', at('2026-11-27T12:00:00Z'))).toEqual({
      open: false,
      closesAt: null,
      opensAt: '2026-11-30T01:00:00Z', // Friday 20:00 → Monday 09:00
    });
  });

  it('keeps a day open to its end with 24:00', () => {
    const allDay: OpeningHours = Object.fromEntries(WEEKDAYS.map((d) => [d, ['00:00', '24:00']]));
    expect(openState(allDay, 'Asia/Shanghai', at('2026-11-26T15:59:59Z'))).toEqual({ open: true, closesAt: '2026-11-26T16:00:00Z', opensAt: null });
    expect(openState(allDay, 'Asia/Shanghai', at('2026-11-26T16:00:00Z')).open).toBe(true);
  });

  it('follows the zone’s clock changes: an opening inside the spring-forward gap moves forward with the clocks', () => {
    // Berlin, Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
    const hours: OpeningHours = { sun: ['02:30', '18:00'] };
    expect(openState(hours, 'Europe/Berlin', at('2026-03-29T00:00:00Z')).opensAt).toBe('2026-03-29T01:30:00Z');
    // Closing at 18:00 CEST is 16:00 UTC, an hour earlier in UTC than a week before (17:00).
    expect(openState(hours, 'Europe/Berlin', at('2026-03-29T10:00:00Z')).closesAt).toBe('2026-03-29T16:00:00Z');
    expect(openState(hours, 'Europe/Berlin', at('2026-03-22T10:00:00Z')).closesAt).toBe('2026-03-22T17:00:00Z');
  });

  it('is open at the instant it says it opens, and closed a minute before; open a minute before it says it closes', () => {
    // Hours away from 01:00–02:59, where these zones' clocks jump or repeat (tested above by hand).
    const hhmm = fc
      .integer({ min: 0, max: 23 * 60 + 59 })
      .filter((m) => m < 60 || m >= 180)
      .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    const span = fc.tuple(hhmm, hhmm).filter(([a, b]) => a < b);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...WEEKDAYS), span, { minKeys: 1 }),
        fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Pacific/Kiritimati'),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        (hours, zone, now) => {
          const state = openState(hours, zone, now);
          if (state.opensAt) {
            const opens = new Date(state.opensAt);
            expect(opens.getTime()).toBeGreaterThan(now.getTime());
            expect(openState(hours, zone, opens).open).toBe(true);
            expect(openState(hours, zone, new Date(opens.getTime() - 60_000)).open).toBe(false);
          }
          if (state.closesAt) {
            const closes = new Date(state.closesAt);
            expect(closes.getTime()).toBeGreaterThan(now.getTime());
            expect(openState(hours, zone, new Date(closes.getTime() - 60_000)).open).toBe(true);
          }
          expect(state.open ? state.opensAt : state.closesAt).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a day that closes before it opens', () => {
    expect(hoursProblem(WEEKDAYS_9_TO_6)).toBeUndefined();
    expect(hoursProblem({ sat: ['18:00', '09:00'] })?.en).toMatch(/^sat: it closes \(09:00\) before it opens \(18:00\)/);
    expect(hoursProblem({ sat: ['18:00', '09:00'] })?.['zh-CN']).toBe('sat：关门时间（09:00）不晚于开门时间（18:00）。');
    expect(hoursProblem({ sun: ['10:00', '10:00'] })?.en).toMatch(/^sun:/);
    expect(hoursProblem({ mon: ['24:00', '24:00'] })?.en).toMatch(/^mon: a day cannot open at 24:00/);
  });
});
