/**
 * Quiet hours: no SMS between, by default, 21:00 and 09:00 in the operator's zone. A
 * message due inside the window is held until it ends. Windows may cross midnight; a
 * window whose start equals its end is empty.
 */
import { Temporal } from 'temporal-polyfill';

export interface QuietHours {
  /** `HH:MM`, local. */
  start: string;
  end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '09:00' };

export function isClockTime(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

/** When the quiet window around `now` ends, or undefined when `now` is not in one. */
export function quietUntil(now: Date, timeZone: string, quiet: QuietHours): Date | undefined {
  if (quiet.start === quiet.end) return undefined;
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  const time = local.toPlainTime();
  const start = Temporal.PlainTime.from(quiet.start);
  const end = Temporal.PlainTime.from(quiet.end);
  const cmp = Temporal.PlainTime.compare;
  const crossesMidnight = cmp(start, end) > 0;
  const inside = crossesMidnight ? cmp(time, start) >= 0 || cmp(time, end) < 0 : cmp(time, start) >= 0 && cmp(time, end) < 0;
  if (!inside) return undefined;
  // The end is today unless the window crossed midnight and we are still before it.
  const endDate = crossesMidnight && cmp(time, start) >= 0 ? local.toPlainDate().add({ days: 1 }) : local.toPlainDate();
  // A wall time skipped by a DST change resolves to the later instant ('compatible').
  return new Date(endDate.toZonedDateTime({ timeZone, plainTime: end }).epochMilliseconds);
}
