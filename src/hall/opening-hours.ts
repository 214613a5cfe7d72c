/**
 * A hall's opening hours, pure: whether it is open at an instant, when it closes, and when
 * it opens next, all in the hall's own zone (a day of 23 or 25 hours included). Hours are
 * per weekday, `["09:00", "18:00"]`, closing at `24:00` for a day open to its end; a hall
 * with no hours set is always open. No I/O and no clock: `now` is an argument.
 */
import { Temporal } from 'temporal-polyfill';
import type { Text } from '../shared/errors.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type OpeningHours = Partial<Record<Weekday, readonly string[]>>;

export interface OpenState {
  open: boolean;
  /** While open: the instant it closes (ISO). */
  closesAt: string | null;
  /** While closed: the instant it opens next (ISO); null when it has no hours at all. */
  opensAt: string | null;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A reason the hours cannot be kept (a day that closes before it opens), or undefined. */
export function hoursProblem(hours: OpeningHours): Text | undefined {
  for (const day of WEEKDAYS) {
    const span = hours[day];
    if (!span) continue;
    const [opens, closes] = span as [string, string];
    if (opens === '24:00') return { 'zh-CN': `${day}：营业时间不能从 24:00 开始。`, en: `${day}: a day cannot open at 24:00.` };
    if (minutes(closes) <= minutes(opens))
      return { 'zh-CN': `${day}：关门时间（${closes}）不晚于开门时间（${opens}）。`, en: `${day}: it closes (${closes}) before it opens (${opens}).` };
  }
  return undefined;
}

/** The instant of a local date and time in the zone (a time inside a DST gap moves forward, as clocks do). */
function instantAt(date: Temporal.PlainDate, hhmm: string, timeZone: string): string {
  const at = hhmm === '24:00' ? date.add({ days: 1 }).toZonedDateTime({ timeZone }) : date.toZonedDateTime({ timeZone, plainTime: hhmm });
  return at.toInstant().toString();
}

export function openState(hours: OpeningHours, timeZone: string, now: Date): OpenState {
  if (!WEEKDAYS.some((d) => hours[d])) return { open: true, closesAt: null, opensAt: null };
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  const today = local.toPlainDate();
  const nowMinutes = local.hour * 60 + local.minute;
  const spanOf = (date: Temporal.PlainDate) => hours[WEEKDAYS[date.dayOfWeek - 1] as Weekday] as [string, string] | undefined;
  const span = spanOf(today);
  if (span && minutes(span[0]) <= nowMinutes && nowMinutes < minutes(span[1])) {
    return { open: true, closesAt: instantAt(today, span[1], timeZone), opensAt: null };
  }
  for (let ahead = 0; ahead <= 7; ahead++) {
    const date = today.add({ days: ahead });
    const next = spanOf(date);
    if (next && (ahead > 0 || nowMinutes < minutes(next[0]))) return { open: false, closesAt: null, opensAt: instantAt(date, next[0], timeZone) };
  }
  return { open: false, closesAt: null, opensAt: null };
}
