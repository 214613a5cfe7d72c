/**
 * Independent oracles for the unit tests: plain integer calendar arithmetic (proleptic
 * Gregorian), written without Temporal and without the code under test, plus fast-check
 * arbitraries for local dates.
 */
import fc from 'fast-check';

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  if (m === 2 && isLeap(y)) return 29;
  const n = MONTH_DAYS[m - 1];
  if (n === undefined) throw new Error(`bad month ${m}`);
  return n;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function fmt({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function parse(s: string): Ymd {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) throw new Error(`not a date: ${s}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

/** Days since 1900-01-01 (day 0), counted year by year and month by month. */
export function dayNumber(date: string): number {
  const { y, m, d } = parse(date);
  if (y < 1900) throw new Error('oracle range starts at 1900');
  let n = 0;
  for (let yy = 1900; yy < y; yy++) n += isLeap(yy) ? 366 : 365;
  for (let mm = 1; mm < m; mm++) n += daysInMonth(y, mm);
  return n + d - 1;
}

export function fromDayNumber(n: number): string {
  if (n < 0) throw new Error('oracle range starts at 1900');
  let y = 1900;
  for (;;) {
    const len = isLeap(y) ? 366 : 365;
    if (n < len) break;
    n -= len;
    y++;
  }
  let m = 1;
  while (n >= daysInMonth(y, m)) {
    n -= daysInMonth(y, m);
    m++;
  }
  return fmt({ y, m, d: n + 1 });
}

export function oracleAddDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

export function oracleDaysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** N months later (N may be negative), on the anchor day or the month's last day. */
export function oracleAddMonths(date: string, months: number, anchorDay: number): string {
  const { y, m } = parse(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return fmt({ y: ty, m: tm, d: Math.min(anchorDay, daysInMonth(ty, tm)) });
}

export function dayOfMonth(date: string): number {
  return parse(date).d;
}

/** Any valid local date with a year in [minYear, maxYear]. */
export function dateArb(minYear = 1999, maxYear = 2101): fc.Arbitrary<string> {
  return fc
    .record({
      y: fc.integer({ min: minYear, max: maxYear }),
      m: fc.integer({ min: 1, max: 12 }),
    })
    .chain(({ y, m }) => fc.integer({ min: 1, max: daysInMonth(y, m) }).map((d) => fmt({ y, m, d })));
}

/** Dates biased towards month ends (where anchoring matters), still all valid. */
export function monthEndBiasedDateArb(minYear = 1999, maxYear = 2101): fc.Arbitrary<string> {
  return fc.oneof(
    dateArb(minYear, maxYear),
    fc
      .record({
        y: fc.integer({ min: minYear, max: maxYear }),
        m: fc.integer({ min: 1, max: 12 }),
        back: fc.integer({ min: 0, max: 3 }),
      })
      .map(({ y, m, back }) => fmt({ y, m, d: daysInMonth(y, m) - back })),
  );
}
