import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonthsAnchored, daysBetween, extend, isValidDate } from '../../src/cards/calendar.js';
import { dateArb, dayNumber, dayOfMonth, daysInMonth, fmt, monthEndBiasedDateArb, oracleAddDays, oracleAddMonths, oracleDaysBetween } from './oracle.js';

const anchorArb = fc.integer({ min: 1, max: 31 });
const monthsArb = fc.integer({ min: 0, max: 240 });

describe('the oracle itself', () => {
  it('agrees with Date.UTC on day counts and month lengths', () => {
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    fc.assert(
      fc.property(dateArb(), (date) => {
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const utcDays = Date.UTC(y, m - 1, d) / 86_400_000;
        expect(dayNumber(date) - dayNumber('1970-01-01')).toBe(utcDays);
      }),
    );
  });
});

describe('addMonthsAnchored', () => {
  it('follows the rule examples', () => {
    expect(addMonthsAnchored('2027-01-31', 1, 31)).toBe('2027-02-28');
    expect(addMonthsAnchored('2027-02-28', 1, 31)).toBe('2027-03-31');
    expect(addMonthsAnchored('2028-01-31', 1, 31)).toBe('2028-02-29');
    expect(addMonthsAnchored('2027-01-31', 12, 31)).toBe('2028-01-31');
    expect(addMonthsAnchored('2027-01-31', 3, 31)).toBe('2027-04-30');
    expect(addMonthsAnchored('2027-11-30', 3, 30)).toBe('2028-02-29');
    expect(addMonthsAnchored('2099-12-15', 1, 15)).toBe('2100-01-15');
    expect(addMonthsAnchored('2100-01-29', 1, 29)).toBe('2100-02-28');
    expect(addMonthsAnchored('2027-05-10', 0, 10)).toBe('2027-05-10');
  });

  it('matches the integer oracle for any date, anchor day 1-31 and 0-240 months', () => {
    fc.assert(
      fc.property(monthEndBiasedDateArb(), anchorArb, monthsArb, (date, anchor, months) => {
        expect(addMonthsAnchored(date, months, anchor)).toBe(oracleAddMonths(date, months, anchor));
      }),
      { numRuns: 2000 },
    );
  });

  it('lands exactly N months later, on the anchor day or the last day of a shorter month', () => {
    fc.assert(
      fc.property(dateArb(), anchorArb, monthsArb, (date, anchor, months) => {
        const out = addMonthsAnchored(date, months, anchor);
        const [y0, m0] = date.split('-').map(Number) as [number, number];
        const [y1, m1, d1] = out.split('-').map(Number) as [number, number, number];
        expect(y1 * 12 + m1 - (y0 * 12 + m0)).toBe(months);
        expect(d1).toBe(Math.min(anchor, daysInMonth(y1, m1)));
      }),
    );
  });

  it('never loses the anchor across successive steps (a+b months = a then b)', () => {
    fc.assert(
      fc.property(dateArb(), anchorArb, fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 120 }), (date, anchor, a, b) => {
        const stepwise = addMonthsAnchored(addMonthsAnchored(date, a, anchor), b, anchor);
        expect(stepwise).toBe(addMonthsAnchored(date, a + b, anchor));
      }),
    );
  });
});

describe('addDays and daysBetween', () => {
  it('cross month, year and leap-day boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2027-01-31', 30)).toBe('2027-03-02');
    expect(addDays('2027-01-31', 0)).toBe('2027-01-31');
    expect(daysBetween('2027-01-01', '2028-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2027-01-31', '2027-01-24')).toBe(-7);
    expect(daysBetween('2100-02-28', '2100-03-01')).toBe(1);
  });

  it('matches the oracle for any date and -1000..1000 days', () => {
    fc.assert(
      fc.property(dateArb(2000, 2099), fc.integer({ min: -1000, max: 1000 }), (date, days) => {
        expect(addDays(date, days)).toBe(oracleAddDays(date, days));
      }),
      { numRuns: 1000 },
    );
  });

  it('daysBetween matches the oracle and is antisymmetric', () => {
    fc.assert(
      fc.property(dateArb(), dateArb(), (a, b) => {
        expect(daysBetween(a, b)).toBe(oracleDaysBetween(a, b));
        expect(daysBetween(b, a)).toBe(0 - oracleDaysBetween(a, b));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('extend', () => {
  it('keeps the anchor for month periods (rule example chain)', () => {
    const feb = extend({ validUntil: '2027-01-31', anchorDay: 31 }, { months: 1, days: 0 });
    expect(feb).toEqual({ validUntil: '2027-02-28', anchorDay: 31 });
    expect(extend(feb, { months: 1, days: 0 })).toEqual({
      validUntil: '2027-03-31',
      anchorDay: 31,
    });
  });

  it('moves the anchor to the result day for day periods', () => {
    expect(extend({ validUntil: '2027-01-31', anchorDay: 31 }, { months: 0, days: 30 })).toEqual({
      validUntil: '2027-03-02',
      anchorDay: 2,
    });
  });

  it('matches the oracle: months first (anchored), then days (re-anchoring)', () => {
    fc.assert(
      fc.property(dateArb(2000, 2099), anchorArb, monthsArb, fc.integer({ min: 0, max: 400 }), (date, anchor, months, days) => {
        let expected = months > 0 ? oracleAddMonths(date, months, anchor) : date;
        let expectedAnchor = anchor;
        if (days > 0) {
          expected = oracleAddDays(expected, days);
          expectedAnchor = dayOfMonth(expected);
        }
        expect(extend({ validUntil: date, anchorDay: anchor }, { months, days })).toEqual({
          validUntil: expected,
          anchorDay: expectedAnchor,
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('isValidDate', () => {
  it('accepts real dates, leap days only in leap years', () => {
    for (const ok of ['2027-01-31', '2028-02-29', '2000-02-29', '1999-12-31', '2101-01-01']) expect(isValidDate(ok), ok).toBe(true);
    for (const bad of ['2027-02-29', '2100-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-01-00', '2027-01-32'])
      expect(isValidDate(bad), bad).toBe(false);
  });

  it('rejects anything that is not exactly YYYY-MM-DD', () => {
    for (const bad of ['2027-1-31', '27-01-31', '20270131', '2027/01/31', ' 2027-01-31', '2027-01-31 ', '2027-01-31T00:00', '+002027-01-31', '', 'today'])
      expect(isValidDate(bad), bad).toBe(false);
  });

  it('accepts every oracle-valid date and rejects days past the month end', () => {
    fc.assert(
      fc.property(dateArb(), (date) => {
        expect(isValidDate(date)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1999, max: 2101 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), (y, m, over) => {
        const d = daysInMonth(y, m) + over;
        fc.pre(d <= 99);
        expect(isValidDate(fmt({ y, m, d }))).toBe(false);
      }),
    );
  });
});
