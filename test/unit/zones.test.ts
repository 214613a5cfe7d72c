import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantIn, isValidTimeZone, todayIn, yearIn } from '../../src/cards/calendar.js';
import { dateArb, fmt } from './oracle.js';

describe('isValidTimeZone', () => {
  it('accepts IANA zone names', () => {
    for (const z of ['Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/London', 'UTC', 'Etc/GMT+8', 'Asia/Hong_Kong'])
      expect(isValidTimeZone(z), z).toBe(true);
  });

  it('rejects unknown names, padding, offsets and date-time strings', () => {
    for (const z of ['', 'Mars/Olympus', 'Asia/Shanghai ', 'Shanghai', '+08:00', '-05', '2020-01-01T00:00Z', '2020-01-01T00:00+08:00[Asia/Shanghai]'])
      expect(isValidTimeZone(z), z).toBe(false);
  });
});

/** The local date of an instant in a zone, by Intl (independent of Temporal). */
function intlDate(timeZone: string, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return fmt({ y: get('year'), m: get('month'), d: get('day') });
}

/** Candidate UTC offsets (hours) of each zone, standard and summer time. */
const ZONES: Record<string, number[]> = {
  'Asia/Shanghai': [8],
  'America/Los_Angeles': [-8, -7],
  'Pacific/Kiritimati': [14],
  'Europe/London': [0, 1],
  UTC: [0],
};
const zoneArb = fc.constantFrom(...Object.keys(ZONES));

describe('todayIn', () => {
  it('switches date at local midnight, not at UTC midnight', () => {
    const cases: [string, string, string][] = [
      ['Asia/Shanghai', '2026-11-23T15:59:59.999Z', '2026-11-23'],
      ['Asia/Shanghai', '2026-11-23T16:00:00.000Z', '2026-11-24'],
      ['Pacific/Kiritimati', '2026-11-24T09:59:59.999Z', '2026-11-24'],
      ['Pacific/Kiritimati', '2026-11-24T10:00:00.000Z', '2026-11-25'],
      ['America/Los_Angeles', '2026-11-24T07:59:59.999Z', '2026-11-23'],
      ['America/Los_Angeles', '2026-11-24T08:00:00.000Z', '2026-11-24'],
      ['UTC', '2026-11-23T23:59:59.999Z', '2026-11-23'],
      ['UTC', '2026-11-24T00:00:00.000Z', '2026-11-24'],
      ['Europe/London', '2026-12-31T23:59:59.999Z', '2026-12-31'],
      // DST: Los Angeles springs forward 2027-03-14 and falls back 2027-11-07.
      ['America/Los_Angeles', '2027-03-14T07:59:59.999Z', '2027-03-13'],
      ['America/Los_Angeles', '2027-03-14T08:00:00.000Z', '2027-03-14'],
      ['America/Los_Angeles', '2027-03-15T06:59:59.999Z', '2027-03-14'],
      ['America/Los_Angeles', '2027-03-15T07:00:00.000Z', '2027-03-15'],
      ['America/Los_Angeles', '2027-11-08T07:30:00.000Z', '2027-11-07'],
      ['America/Los_Angeles', '2027-11-08T08:00:00.000Z', '2027-11-08'],
      // London: BST from 2027-03-28, GMT again from 2027-10-31.
      ['Europe/London', '2027-03-28T22:59:59.999Z', '2027-03-28'],
      ['Europe/London', '2027-03-28T23:00:00.000Z', '2027-03-29'],
      ['Europe/London', '2027-10-30T23:00:00.000Z', '2027-10-31'],
      ['Europe/London', '2027-10-31T23:30:00.000Z', '2027-10-31'],
      ['Europe/London', '2027-11-01T00:00:00.000Z', '2027-11-01'],
    ];
    for (const [zone, at, expected] of cases) expect(todayIn(zone, new Date(at)), `${zone} ${at}`).toBe(expected);
  });

  it('gives different dates in different zones at one instant', () => {
    const at = new Date('2026-11-24T03:00:00Z');
    expect(todayIn('America/Los_Angeles', at)).toBe('2026-11-23');
    expect(todayIn('UTC', at)).toBe('2026-11-24');
    expect(todayIn('Asia/Shanghai', at)).toBe('2026-11-24');
    const late = new Date('2026-11-24T10:30:00Z');
    expect(todayIn('Pacific/Kiritimati', late)).toBe('2026-11-25');
    expect(todayIn('Asia/Shanghai', late)).toBe('2026-11-24');
  });

  it('matches Intl at instants within two minutes of local midnight', () => {
    fc.assert(
      fc.property(zoneArb, dateArb(2000, 2099), fc.nat(1), fc.integer({ min: -120_000, max: 120_000 }), (zone, date, which, delta) => {
        const offsets = ZONES[zone] ?? [0];
        const offset = offsets[which % offsets.length] ?? 0;
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const ms = Date.UTC(y, m - 1, d) - offset * 3_600_000 + delta;
        expect(todayIn(zone, new Date(ms))).toBe(intlDate(zone, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays right over any sequence of calls in one zone (no stale day)', () => {
    fc.assert(
      fc.property(
        zoneArb,
        fc.integer({ min: Date.UTC(2026, 0, 1) / 3_600_000, max: Date.UTC(2028, 0, 1) / 3_600_000 }).map((h) => h * 3_600_000),
        fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 2, maxLength: 12 }),
        (zone, origin, steps) => {
          for (const step of steps) {
            // Half of the instants fall exactly on, or one millisecond before, a full hour.
            const ms = origin + (step % 2 === 0 ? step - (step % 3_600_000) - (step % 4 === 0 ? 0 : 1) : step);
            expect(todayIn(zone, new Date(ms)), new Date(ms).toISOString()).toBe(intlDate(zone, ms));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches Intl at arbitrary instants', () => {
    const lo = Date.UTC(2000, 0, 1);
    const hi = Date.UTC(2100, 0, 1);
    fc.assert(
      fc.property(zoneArb, fc.integer({ min: lo, max: hi }), (zone, ms) => {
        expect(todayIn(zone, new Date(ms))).toBe(intlDate(zone, ms));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('yearIn', () => {
  it('is the year in the zone around New Year', () => {
    expect(yearIn('Asia/Shanghai', new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(yearIn('Asia/Shanghai', new Date('2026-12-31T16:00:00Z'))).toBe(2027);
    expect(yearIn('UTC', new Date('2026-12-31T16:00:00Z'))).toBe(2026);
    expect(yearIn('Pacific/Kiritimati', new Date('2026-12-31T10:00:00Z'))).toBe(2027);
    expect(yearIn('America/Los_Angeles', new Date('2027-01-01T07:59:59Z'))).toBe(2026);
    expect(yearIn('America/Los_Angeles', new Date('2027-01-01T08:00:00Z'))).toBe(2027);
  });

  it('matches Intl near New Year', () => {
    fc.assert(
      fc.property(zoneArb, fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: -15 * 3_600_000, max: 15 * 3_600_000 }), (zone, y, delta) => {
        const ms = Date.UTC(y, 0, 1) + delta;
        expect(yearIn(zone, new Date(ms))).toBe(Number(intlDate(zone, ms).slice(0, 4)));
      }),
    );
  });
});

describe('instantIn', () => {
  it('formats the instant with the zone offset, to the second', () => {
    expect(instantIn('Asia/Shanghai', '2026-11-24T11:30:00Z')).toBe('2026-11-24T19:30:00+08:00');
    expect(instantIn('Asia/Shanghai', new Date('2026-11-24T11:30:00.999Z'))).toBe('2026-11-24T19:30:00+08:00');
    expect(instantIn('America/Los_Angeles', '2027-07-01T12:00:00Z')).toBe('2027-07-01T05:00:00-07:00');
    expect(instantIn('America/Los_Angeles', '2027-01-01T12:00:00Z')).toBe('2027-01-01T04:00:00-08:00');
    expect(instantIn('Pacific/Kiritimati', '2026-11-24T10:00:00Z')).toBe('2026-11-25T00:00:00+14:00');
    expect(instantIn('Europe/London', '2027-07-01T12:00:00+02:00')).toBe('2027-07-01T11:00:00+01:00');
    expect(instantIn('UTC', '2026-11-24T11:30:00Z')).toBe('2026-11-24T11:30:00+00:00');
  });

  it('denotes the same instant it was given', () => {
    fc.assert(
      fc.property(zoneArb, fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        const text = instantIn(zone, new Date(ms));
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
        expect(Date.parse(text)).toBe(Math.floor(ms / 1000) * 1000);
        expect(text.slice(0, 10)).toBe(intlDate(zone, ms));
      }),
    );
  });
});
