/**
 * The card's calendar feed as iCalendar text (RFC 5545): one all-day event on each card's
 * last valid day, with an alarm some days before. Pure: `now` (the DTSTAMP) comes in as an
 * argument. Owns the format's details: text escaping, CRLF line ends, and folding at 75
 * octets of UTF-8, which Chinese text (three octets a character) reaches after 25 characters.
 */
import { addDays, isValidDate, type LocalDate } from '../cards/calendar.js';

export interface CalendarEvent {
  /** Stable across renders, so a subscribed calendar updates the event instead of adding one. */
  uid: string;
  /** The card's last valid day. */
  date: LocalDate;
  summary: string;
  description?: string | undefined;
  url?: string | undefined;
}

export interface CalendarFeed {
  name: string;
  events: readonly CalendarEvent[];
  now: Date;
  /** Whole days before the event that the alarm fires; 7 by default. */
  alarmDaysBefore?: number | undefined;
}

const PRODID = '-//simkeep//Renewal reminders//EN';
const MAX_LINE_OCTETS = 75;

export function renderCalendar(feed: CalendarFeed): string {
  const alarmDaysBefore = feed.alarmDaysBefore ?? 7;
  if (!Number.isSafeInteger(alarmDaysBefore) || alarmDaysBefore < 0) throw new RangeError(`alarmDaysBefore must be whole days, got ${alarmDaysBefore}`);
  const stamp = utcStamp(feed.now);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(feed.name)}`,
    ...feed.events.flatMap((event) => eventLines(event, stamp, alarmDaysBefore)),
    'END:VCALENDAR',
  ];
  return lines.map((line) => `${foldLine(line)}\r\n`).join('');
}

function eventLines(event: CalendarEvent, stamp: string, alarmDaysBefore: number): string[] {
  if (!isValidDate(event.date)) throw new RangeError(`Event ${event.uid} has no valid date: ${event.date}`);
  const summary = escapeText(event.summary);
  return [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${basicDate(event.date)}`,
    // DTEND is exclusive: an all-day event on D ends at the start of D + 1.
    `DTEND;VALUE=DATE:${basicDate(addDays(event.date, 1))}`,
    `SUMMARY:${summary}`,
    ...(event.description === undefined ? [] : [`DESCRIPTION:${escapeText(event.description)}`]),
    ...(event.url === undefined ? [] : [`URL:${escapeUri(event.url)}`]),
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${summary}`,
    `TRIGGER:-P${alarmDaysBefore}D`,
    'END:VALARM',
    'END:VEVENT',
  ];
}

/**
 * A TEXT value (RFC 5545 §3.3.11). Line breaks of any kind become `\n`; other control
 * characters are not allowed in TEXT (tab is), so they are dropped rather than handed to
 * calendar clients that may reject the whole feed over one. C1 controls go too: the RFC lets
 * them through, but no calendar shows them.
 */
function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}/gu, (char) => (char === '\t' || char === '\n' ? char : ''))
    .replace(/[\\;,\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

/** A URI value is not escaped, but a raw line break in it would start a new property. */
function escapeUri(value: string): string {
  return value.replace(/\p{Cc}/gu, (char) => encodeURIComponent(char));
}

/**
 * Folds a content line into physical lines of at most 75 octets (RFC 5545 §3.1), each
 * continuation starting with one space. Cuts fall between code points, never inside one's
 * UTF-8 bytes, so a client that decodes each physical line on its own still reads it.
 */
function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
  const physical: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      physical.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  physical.push(current);
  return physical.join('\r\n');
}

/** `2026-11-24` → `20261124`. */
function basicDate(date: LocalDate): string {
  return date.replaceAll('-', '');
}

/** `20261124T113000Z`: DTSTAMP must be UTC. */
function utcStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
