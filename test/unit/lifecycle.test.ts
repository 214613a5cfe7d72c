import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Period } from '../../src/cards/calendar.js';
import { type CardState, cardStatus, dateStatus, daysLeft, expiringSoon, type LifecyclePolicy, renew } from '../../src/cards/lifecycle.js';
import { dateArb, dayOfMonth, oracleAddDays, oracleAddMonths } from './oracle.js';

const DEFAULT: LifecyclePolicy = { graceDays: 30, suspendDays: 90 };
const months = (n: number): Period => ({ months: n, days: 0 });
const days = (n: number): Period => ({ months: 0, days: n });
const card = (validUntil: string, anchorDay = dayOfMonth(validUntil), blocked = false): CardState => ({ validUntil, anchorDay, blocked });

const policyArb = fc.record({
  graceDays: fc.integer({ min: 0, max: 60 }),
  suspendDays: fc.integer({ min: 0, max: 200 }),
});

/** The status by the rule, from the day offset k = today − validUntil. */
function expectedStatus(k: number, p: LifecyclePolicy): string {
  if (k <= 0) return 'active';
  if (k <= p.graceDays) return 'grace';
  if (k <= p.graceDays + p.suspendDays) return 'suspended';
  return 'recycled';
}

describe('dateStatus', () => {
  it('has inclusive boundaries with the default policy (30 + 90 days)', () => {
    const v = '2027-01-31';
    const table: [string, string][] = [
      ['2026-11-24', 'active'],
      ['2027-01-31', 'active'],
      ['2027-02-01', 'grace'],
      ['2027-03-02', 'grace'], // + 30
      ['2027-03-03', 'suspended'],
      ['2027-05-31', 'suspended'], // + 120
      ['2027-06-01', 'recycled'],
      ['2030-01-01', 'recycled'],
    ];
    for (const [today, status] of table) expect(dateStatus(v, today, DEFAULT), today).toBe(status);
  });

  it('follows the rule for any date, offset and policy', () => {
    fc.assert(
      fc.property(dateArb(2000, 2098), fc.integer({ min: -400, max: 400 }), policyArb, (validUntil, k, policy) => {
        const today = oracleAddDays(validUntil, k);
        expect(dateStatus(validUntil, today, policy)).toBe(expectedStatus(k, policy));
      }),
      { numRuns: 1000 },
    );
  });

  it('has no grace with graceDays 0 and no suspension with suspendDays 0', () => {
    expect(dateStatus('2027-01-31', '2027-02-01', { graceDays: 0, suspendDays: 90 })).toBe('suspended');
    expect(dateStatus('2027-01-31', '2027-03-02', { graceDays: 30, suspendDays: 0 })).toBe('grace');
    expect(dateStatus('2027-01-31', '2027-03-03', { graceDays: 30, suspendDays: 0 })).toBe('recycled');
  });
});

describe('cardStatus', () => {
  it('lets a block override active, grace and suspended, but not recycled', () => {
    const blocked = card('2027-01-31', 31, true);
    expect(cardStatus(blocked, '2027-01-01', DEFAULT)).toBe('blocked');
    expect(cardStatus(blocked, '2027-02-15', DEFAULT)).toBe('blocked');
    expect(cardStatus(blocked, '2027-04-01', DEFAULT)).toBe('blocked');
    expect(cardStatus(blocked, '2027-06-01', DEFAULT)).toBe('recycled');
  });

  it('is the date status when not blocked', () => {
    fc.assert(
      fc.property(dateArb(2000, 2098), fc.integer({ min: -200, max: 200 }), fc.boolean(), (validUntil, k, blocked) => {
        const today = oracleAddDays(validUntil, k);
        const byDate = expectedStatus(k, DEFAULT);
        const expected = blocked && byDate !== 'recycled' ? 'blocked' : byDate;
        expect(cardStatus(card(validUntil, 1, blocked), today, DEFAULT)).toBe(expected);
      }),
    );
  });
});

describe('daysLeft and expiringSoon', () => {
  it('is 0 on the last valid day and negative afterwards', () => {
    expect(daysLeft('2027-01-31', '2027-01-31')).toBe(0);
    expect(daysLeft('2027-01-31', '2027-02-01')).toBe(-1);
    expect(daysLeft('2027-01-31', '2027-01-24')).toBe(7);
    expect(daysLeft('2027-01-31', '2026-11-24')).toBe(68);
    expect(daysLeft('2028-03-01', '2028-02-28')).toBe(2);
  });

  it('is validUntil − today for any pair', () => {
    fc.assert(
      fc.property(dateArb(2000, 2098), fc.integer({ min: -1000, max: 1000 }), (validUntil, k) => {
        expect(daysLeft(validUntil, oracleAddDays(validUntil, k))).toBe(0 - k);
      }),
    );
  });

  it('is expiring soon only when active with at most 7 days left', () => {
    expect(expiringSoon('active', 7)).toBe(true);
    expect(expiringSoon('active', 0)).toBe(true);
    expect(expiringSoon('active', 8)).toBe(false);
    expect(expiringSoon('active', 68)).toBe(false);
    for (const status of ['grace', 'suspended', 'recycled', 'blocked'] as const) {
      expect(expiringSoon(status, 3), status).toBe(false);
      expect(expiringSoon(status, -3), status).toBe(false);
    }
  });
});

describe('renew', () => {
  it('renews an active card from its validUntil, keeping the anchor', () => {
    const out = renew(card('2027-01-31'), [months(1)], '2027-01-20', DEFAULT);
    expect(out).toEqual({
      ok: true,
      restarted: false,
      base: { validUntil: '2027-01-31', anchorDay: 31 },
      result: { validUntil: '2027-02-28', anchorDay: 31 },
    });
  });

  it('renews a grace card from its old validUntil (no free gap)', () => {
    const out = renew(card('2027-02-28', 31), [months(1)], '2027-03-20', DEFAULT);
    expect(out).toEqual({
      ok: true,
      restarted: false,
      base: { validUntil: '2027-02-28', anchorDay: 31 },
      result: { validUntil: '2027-03-31', anchorDay: 31 },
    });
  });

  it('restarts a suspended card from today with today as anchor', () => {
    // 2027-01-31 + 30 grace = 2027-03-02; 2027-03-10 is suspended.
    const out = renew(card('2027-01-31'), [months(1)], '2027-03-10', DEFAULT);
    expect(out).toEqual({
      ok: true,
      restarted: true,
      base: { validUntil: '2027-03-10', anchorDay: 10 },
      result: { validUntil: '2027-04-10', anchorDay: 10 },
    });
  });

  it('refuses recycled and blocked cards', () => {
    expect(renew(card('2027-01-31'), [months(12)], '2027-06-01', DEFAULT)).toEqual({ ok: false, reason: 'card_recycled' });
    expect(renew(card('2027-01-31', 31, true), [months(12)], '2027-06-01', DEFAULT)).toEqual({ ok: false, reason: 'card_recycled' });
    for (const today of ['2027-01-01', '2027-02-15', '2027-04-01'])
      expect(renew(card('2027-01-31', 31, true), [months(1)], today, DEFAULT), today).toEqual({ ok: false, reason: 'card_blocked' });
  });

  it('refuses a short plan on a card deep in grace with period_too_short', () => {
    // validUntil 2027-01-31, today 2027-02-20 (20 days into grace).
    expect(renew(card('2027-01-31'), [days(7)], '2027-02-20', DEFAULT)).toEqual({ ok: false, reason: 'period_too_short' });
    expect(renew(card('2027-01-31'), [days(19)], '2027-02-20', DEFAULT)).toEqual({ ok: false, reason: 'period_too_short' });
    const exact = renew(card('2027-01-31'), [days(20)], '2027-02-20', DEFAULT);
    expect(exact.ok && exact.result.validUntil).toBe('2027-02-20');
    const bonus = renew(card('2027-01-31'), [days(7), days(14)], '2027-02-20', DEFAULT);
    expect(bonus.ok && bonus.result).toEqual({
      validUntil: '2027-02-21',
      anchorDay: 21,
    });
  });

  it('adds a bonus after the paid period by the same arithmetic', () => {
    const year = renew(card('2027-01-31'), [months(12), months(12)], '2027-01-01', DEFAULT);
    expect(year.ok && year.result).toEqual({
      validUntil: '2029-01-31',
      anchorDay: 31,
    });
    const daysBonus = renew(card('2027-01-31'), [months(1), days(7)], '2027-01-01', DEFAULT);
    expect(daysBonus.ok && daysBonus.result).toEqual({
      validUntil: '2027-03-07',
      anchorDay: 7,
    });
  });

  it('makes N one-month renewals of an active card equal one N-month renewal', () => {
    fc.assert(
      fc.property(dateArb(2000, 2080), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 36 }), fc.nat(60), (validUntil, anchor, n, before) => {
        const today = oracleAddDays(validUntil, -before);
        let state = card(validUntil, anchor);
        for (let i = 0; i < n; i++) {
          const out = renew(state, [months(1)], today, DEFAULT);
          if (!out.ok) throw new Error(`refused: ${out.reason}`);
          expect(out.base.validUntil).toBe(state.validUntil);
          state = { ...out.result, blocked: false };
        }
        const once = renew(card(validUntil, anchor), [months(n)], today, DEFAULT);
        expect(once.ok && once.result).toEqual({
          validUntil: state.validUntil,
          anchorDay: anchor,
        });
        expect(state).toEqual({
          validUntil: oracleAddMonths(validUntil, n, anchor),
          anchorDay: anchor,
          blocked: false,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('makes N renewals by d days add exactly N×d days', () => {
    fc.assert(
      fc.property(
        dateArb(2000, 2080),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: -20, max: 30 }),
        (validUntil, d, n, offset) => {
          // From active (offset ≤ 0) or from grace (offset in 1..30): the base is validUntil.
          const today = oracleAddDays(validUntil, offset);
          fc.pre(offset <= 0 || d >= offset);
          let state = card(validUntil);
          for (let i = 0; i < n; i++) {
            const out = renew(state, [days(d)], today, DEFAULT);
            if (!out.ok) throw new Error(`refused: ${out.reason}`);
            state = { ...out.result, blocked: false };
          }
          const expected = oracleAddDays(validUntil, n * d);
          expect(state).toEqual({
            validUntil: expected,
            anchorDay: dayOfMonth(expected),
            blocked: false,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('renews from the base the status calls for, whatever the periods', () => {
    const periodArb = fc.oneof(fc.integer({ min: 1, max: 24 }).map(months), fc.integer({ min: 1, max: 365 }).map(days));
    fc.assert(
      fc.property(
        dateArb(2000, 2080),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: -100, max: 150 }),
        fc.array(periodArb, { minLength: 1, maxLength: 3 }),
        (validUntil, anchor, k, periods) => {
          const today = oracleAddDays(validUntil, k);
          const status = expectedStatus(k, DEFAULT);
          const out = renew(card(validUntil, anchor), periods, today, DEFAULT);
          if (status === 'recycled') {
            expect(out).toEqual({ ok: false, reason: 'card_recycled' });
            return;
          }
          const restarted = status === 'suspended';
          let v = restarted ? today : validUntil;
          let a = restarted ? dayOfMonth(today) : anchor;
          for (const p of periods) {
            if (p.months > 0) v = oracleAddMonths(v, p.months, a);
            if (p.days > 0) {
              v = oracleAddDays(v, p.days);
              a = dayOfMonth(v);
            }
          }
          if (v < today) {
            expect(out).toEqual({ ok: false, reason: 'period_too_short' });
            return;
          }
          expect(out).toEqual({
            ok: true,
            restarted,
            base: restarted ? { validUntil: today, anchorDay: dayOfMonth(today) } : { validUntil, anchorDay: anchor },
            result: { validUntil: v, anchorDay: a },
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
