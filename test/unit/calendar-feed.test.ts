import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { type CalendarEvent, renderCalendar } from '../../src/reminders/calendar-feed.js';

// X-WR-CALNAME is TEXT by common use (Apple, Google, Outlook); ical.js only knows RFC 5545's
// own properties and would hand it back still escaped.
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

const now = new Date('2026-11-24T03:04:05.678Z');

const event: CalendarEvent = {
  uid: 'card_01JABC-2026-12-31@simkeep',
  date: '2026-12-31',
  summary: '号码13800138000将于2026-12-31到期；请续费, 以免停机\\备注\n第二行',
  description: 'Renew now; it takes a minute, and keeps your number.\r\n续费仅需¥88.00，一键续费：',
  url: 'https://renew.example.test/renew/card_01JABC.lz5x3c.0123456789abcdef0123456789abcdef',
};

/** Parses with ical.js, an implementation independent of ours. */
function parse(ics: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(ics));
}

function events(ics: string): ICAL.Component[] {
  return parse(ics).getAllSubcomponents('vevent');
}

/** RFC 5545 TEXT: `\\`, `;` and `,` only escaped, and no raw control character but tab. */
const TEXT_VALUE = /^(?:[^\\;,\p{Cc}]|\t|\\[\\;,nN])*$/u;

/** The value of each content line named `name`, unfolded. */
function values(ics: string, name: string): string[] {
  const lines = ics.replaceAll('\r\n ', '').split('\r\n');
  return lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1));
}

function physicalLines(ics: string): string[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  return ics.slice(0, -2).split('\r\n');
}

describe('renderCalendar', () => {
  it('renders a calendar an independent parser reads back exactly', () => {
    const calendar = parse(renderCalendar({ name: '续费提醒, SIM; cards', events: [event], now }));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//simkeep//Renewal reminders//EN');
    expect(calendar.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('续费提醒, SIM; cards');

    const [vevent, ...rest] = calendar.getAllSubcomponents('vevent');
    expect(rest).toEqual([]);
    expect(vevent?.getFirstPropertyValue('uid')).toBe(event.uid);
    expect(vevent?.getFirstPropertyValue('summary')).toBe(event.summary);
    expect(vevent?.getFirstPropertyValue('description')).toBe('Renew now; it takes a minute, and keeps your number.\n续费仅需¥88.00，一键续费：');
    expect(vevent?.getFirstPropertyValue('url')).toBe(event.url);
    expect(String(vevent?.getFirstPropertyValue('dtstamp'))).toBe('2026-11-24T03:04:05Z');
  });

  it('escapes TEXT as RFC 5545 spells it, which a lenient parser would not notice', () => {
    const ics = renderCalendar({ name: 'a,b', events: [{ uid: 'u;1', date: '2026-12-31', summary: 'a,b;c\\d\ne', description: 'x\r\ny' }], now });
    expect(values(ics, 'SUMMARY')).toEqual(['a\\,b\\;c\\\\d\\ne']);
    expect(values(ics, 'DESCRIPTION')).toEqual(['x\\ny', 'a\\,b\\;c\\\\d\\ne']);
    expect(values(ics, 'X-WR-CALNAME')).toEqual(['a\\,b']);
    expect(values(ics, 'UID')).toEqual(['u\\;1']);
  });

  it('makes each event all-day on the last valid day, ending the next day', () => {
    const ics = renderCalendar({ name: 'Cards', events: [event, { uid: 'leap', date: '2028-02-28', summary: 'Leap' }], now });
    const [last, leap] = events(ics);
    const start = last?.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.isDate).toBe(true);
    expect(start.toString()).toBe('2026-12-31');
    expect(String(last?.getFirstPropertyValue('dtend'))).toBe('2027-01-01');
    expect(String(leap?.getFirstPropertyValue('dtend'))).toBe('2028-02-29');
    expect(ics).toContain('\r\nDTSTART;VALUE=DATE:20261231\r\n');
    expect(ics).toContain('\r\nDTEND;VALUE=DATE:20270101\r\n');
  });

  it('leaves out a description or URL it was not given', () => {
    const [vevent] = events(renderCalendar({ name: 'Cards', events: [{ uid: 'u', date: '2026-12-31', summary: 'S' }], now }));
    expect(vevent?.hasProperty('description')).toBe(false);
    expect(vevent?.hasProperty('url')).toBe(false);
  });

  it('puts a display alarm on each event, seven days before by default', () => {
    const alarmOf = (ics: string) => events(ics)[0]?.getFirstSubcomponent('valarm');
    const alarm = alarmOf(renderCalendar({ name: 'Cards', events: [event], now }));
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(alarm?.getFirstPropertyValue('description')).toBe(event.summary);
    const trigger = alarm?.getFirstPropertyValue('trigger') as ICAL.Duration;
    expect(trigger.toString()).toBe('-P7D');
    expect(trigger.toSeconds()).toBe(-7 * 86_400);
    const three = alarmOf(renderCalendar({ name: 'Cards', events: [event], now, alarmDaysBefore: 3 }));
    expect(String(three?.getFirstPropertyValue('trigger'))).toBe('-P3D');
    expect(() => renderCalendar({ name: 'Cards', events: [event], now, alarmDaysBefore: 1.5 })).toThrow(RangeError);
  });

  it('renders an empty calendar', () => {
    const ics = renderCalendar({ name: 'Cards', events: [], now });
    expect(events(ics)).toEqual([]);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('\r\nEND:VCALENDAR\r\n')).toBe(true);
  });

  it('refuses an event without a valid date', () => {
    expect(() => renderCalendar({ name: 'Cards', events: [{ ...event, date: '2026-02-30' }], now })).toThrow(RangeError);
    expect(() => renderCalendar({ name: 'Cards', events: [{ ...event, date: '2026-12-31T00:00' }], now })).toThrow(RangeError);
  });

  it('ends lines with CRLF and folds them at 75 octets, between characters', () => {
    const long: CalendarEvent = { uid: 'u', date: '2026-12-31', summary: `续${'费'.repeat(40)}`, description: `${'a'.repeat(73)}续续${'😀'.repeat(30)}` };
    const ics = renderCalendar({ name: 'x'.repeat(200), events: [event, long], now });
    expect(ics.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const lines = physicalLines(ics);
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
      // No character was cut in two: an emoji's surrogate pair stays on one line.
      expect(line).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    }
    // `SUMMARY:` + 22 Chinese characters = 74 octets; the 23rd would make 77.
    const summaryAt = lines.findIndex((line) => line.startsWith('SUMMARY:续'));
    expect(lines[summaryAt]).toBe(`SUMMARY:续${'费'.repeat(21)}`);
    expect(lines[summaryAt + 1]).toBe(` ${'费'.repeat(19)}`);
    expect(events(ics)[1]?.getFirstPropertyValue('description')).toBe(long.description);
    expect(parse(ics).getFirstPropertyValue('x-wr-calname')).toBe('x'.repeat(200));
  });

  it('drops control characters TEXT cannot hold, and keeps tabs', () => {
    const [vevent] = events(renderCalendar({ name: 'Cards', events: [{ uid: 'u', date: '2026-12-31', summary: 'a\u0000b\u001bc\u0085\td\re' }], now }));
    expect(vevent?.getFirstPropertyValue('summary')).toBe('abc\td\ne');
  });

  it('keeps a URL on one logical line even if it holds a line break', () => {
    const [vevent] = events(renderCalendar({ name: 'Cards', events: [{ ...event, url: 'https://x.test/a\r\nSUMMARY:forged' }], now }));
    expect(vevent?.getAllProperties('summary')).toHaveLength(1);
    expect(vevent?.getFirstPropertyValue('url')).toBe('https://x.test/a%0D%0ASUMMARY:forged');
  });

  it('round-trips any summary through an independent parser', () => {
    // TEXT holds no control characters but tab, and a line break is a line break in any spelling.
    const expected = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\p{Cc}/gu, (char) => (char === '\t' || char === '\n' ? char : ''));
    const summaryArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 200 }));
    fc.assert(
      fc.property(summaryArb, summaryArb, (summary, name) => {
        const ics = renderCalendar({ name, events: [{ uid: 'u', date: '2026-12-31', summary, description: summary }], now });
        for (const line of physicalLines(ics)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
        for (const value of [...values(ics, 'SUMMARY'), ...values(ics, 'DESCRIPTION'), ...values(ics, 'X-WR-CALNAME')]) expect(value).toMatch(TEXT_VALUE);
        const calendar = parse(ics);
        const [vevent] = calendar.getAllSubcomponents('vevent');
        expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe(expected(name));
        expect(vevent?.getFirstPropertyValue('summary')).toBe(expected(summary));
        expect(vevent?.getFirstPropertyValue('description')).toBe(expected(summary));
        expect(vevent?.getFirstSubcomponent('valarm')?.getFirstPropertyValue('description')).toBe(expected(summary));
      }),
    );
  });

  it('round-trips printable text unchanged', () => {
    const printable = fc.string({
      unit: fc.oneof(fc.constantFrom('\\', ';', ',', '\n', ':', '"', ' ', '\t'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
    });
    fc.assert(
      fc.property(printable, (summary) => {
        const ics = renderCalendar({ name: 'Cards', events: [{ uid: 'u', date: '2026-12-31', summary }], now });
        expect(values(ics, 'SUMMARY')[0]).toMatch(TEXT_VALUE);
        expect(events(ics)[0]?.getFirstPropertyValue('summary')).toBe(summary);
      }),
    );
  });
});
