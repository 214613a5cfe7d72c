/**
 * Calendar arithmetic on local dates (`YYYY-MM-DD`), with Temporal. Months keep the card's
 * anchor day: adding N months lands on the anchor day of the target month, or on its last
 * day when the month is shorter. Pure: "today" is always an argument.
 */
import { Temporal } from 'temporal-polyfill';

export type LocalDate = string;

export interface Period {
  months: number;
  days: number;
}

interface LocalDay {
  date: LocalDate;
  startsAt: number;
  endsAt: number;
}

/**
 * Results of the date arithmetic, by its arguments. The functions are pure and their
 * arguments repeat (today, a few hundred expiry dates, a handful of plans), while each
 * polyfilled Temporal call costs microseconds: a card lookup makes a dozen of them.
 */
const memo = new Map<string, string | number>();
const MAX_MEMO = 20_000;

function remembered<T extends string | number>(key: string, compute: () => T): T {
  const hit = memo.get(key);
  if (hit !== undefined) return hit as T;
  const value = compute();
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(key, value);
  return value;
}

/** The local day last computed for each zone: every request asks for "today". */
const currentDay = new Map<string, LocalDay>();

export function todayIn(timeZone: string, now: Date): LocalDate {
  const ms = now.getTime();
  const cached = currentDay.get(timeZone);
  if (cached && ms >= cached.startsAt && ms < cached.endsAt) return cached.date;
  const zoned = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
  const day: LocalDay = {
    date: zoned.toPlainDate().toString(),
    startsAt: zoned.startOfDay().epochMilliseconds,
    endsAt: zoned.add({ days: 1 }).startOfDay().epochMilliseconds,
  };
  currentDay.set(timeZone, day);
  return day.date;
}

/** `YYYY` of the instant in the zone. */
export function yearIn(timeZone: string, now: Date): number {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).year;
}

/** The instant as ISO 8601 with the zone's offset, e.g. `2026-11-24T19:30:00+08:00`. */
export function instantIn(timeZone: string, instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

export function isValidDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try {
    Temporal.PlainDate.from(value, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

export function isValidTimeZone(value: string): boolean {
  // IANA names start with a letter; Temporal alone would also take offsets (`+08:00`) and
  // whole ISO date-time strings (`2020-01-01T00:00Z`), which are not time zones.
  if (!/^[A-Za-z]/.test(value)) return false;
  try {
    Temporal.Now.zonedDateTimeISO(value);
    return true;
  } catch {
    return false;
  }
}

export function dayOf(date: LocalDate): number {
  return Temporal.PlainDate.from(date).day;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return remembered(`d ${date} ${days}`, () => Temporal.PlainDate.from(date).add({ days }).toString());
}

/** `b − a` in days. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return remembered(`b ${a} ${b}`, () => Temporal.PlainDate.from(a).until(Temporal.PlainDate.from(b), { largestUnit: 'days' }).days);
}

/** Adds months keeping the anchor day (clamped to the target month's length). */
export function addMonthsAnchored(date: LocalDate, months: number, anchorDay: number): LocalDate {
  return remembered(`m ${date} ${months} ${anchorDay}`, () => {
    const target = Temporal.PlainDate.from(date).with({ day: 1 }).add({ months });
    return target.with({ day: Math.min(anchorDay, target.daysInMonth) }).toString();
  });
}

export interface Validity {
  validUntil: LocalDate;
  anchorDay: number;
}

/**
 * Extends a validity by a period: months first (keeping the anchor), then days (which
 * move the anchor to the result's day).
 */
export function extend(validity: Validity, period: Period): Validity {
  let { validUntil, anchorDay } = validity;
  if (period.months > 0) validUntil = addMonthsAnchored(validUntil, period.months, anchorDay);
  if (period.days > 0) {
    validUntil = addDays(validUntil, period.days);
    anchorDay = dayOf(validUntil);
  }
  return { validUntil, anchorDay };
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
