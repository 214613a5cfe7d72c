/**
 * The hall's calendar day. Statistics count local days in the hall's time zone, so "today"
 * on the staff pages is the hall's today, not the browser's nor UTC's: a Shanghai hall's
 * morning is still yesterday in UTC until 08:00.
 */

/** `YYYY-MM-DD` of the instant in the IANA zone. */
export function hallToday(timeZone: string, now: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: 'year' | 'month' | 'day') => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** When a closed hall opens, in its own zone and the reader’s language: "Mon 09:00", "周一09:00". */
export function openingWords(instant: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}
