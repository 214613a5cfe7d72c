import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Channel, type PricedPlan, type Promotion, percentOff, priceRenewal, refusal } from '../../src/renewal/pricing.js';

const TODAY = '2027-01-15';
const Y1: PricedPlan = { code: 'y1', price: 8800, months: 12, days: 0 };
const M1: PricedPlan = { code: 'm1', price: 800, months: 1, days: 0 };

function promo(id: string, o: Partial<Promotion> = {}): Promotion {
  return {
    id,
    code: null,
    kind: 'percent',
    value: 10,
    unit: null,
    plans: null,
    channels: null,
    startsOn: null,
    endsOn: null,
    maxRedemptions: null,
    perCardLimit: null,
    active: true,
    used: 0,
    usedByCard: 0,
    ...o,
  };
}

const price = (plan: PricedPlan, promotions: Promotion[], coupon?: string, channel: Channel = 'online', today = TODAY) =>
  priceRenewal({ plan, channel, today, promotions, coupon });

function ok(result: ReturnType<typeof priceRenewal>) {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
  return result.price;
}

/** Half up to the minor unit, by integer quotient and remainder. */
function halfUp(amount: number, percent: number): number {
  const n = amount * percent;
  const rest = n % 100;
  return (n - rest) / 100 + (rest >= 50 ? 1 : 0);
}

describe('percentOff', () => {
  it('rounds half up to the minor unit', () => {
    expect(percentOff(999, 50)).toBe(500);
    expect(percentOff(8800, 10)).toBe(880);
    expect(percentOff(50, 1)).toBe(1);
    expect(percentOff(49, 1)).toBe(0);
    expect(percentOff(10, 15)).toBe(2);
    expect(percentOff(10, 14)).toBe(1);
    expect(percentOff(1234, 100)).toBe(1234);
    expect(percentOff(0, 37)).toBe(0);
  });

  it('matches the integer oracle and stays within the amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), (amount, percent) => {
        const off = percentOff(amount, percent);
        expect(off).toBe(halfUp(amount, percent));
        expect(off).toBeGreaterThanOrEqual(0);
        expect(off).toBeLessThanOrEqual(amount);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('refusal', () => {
  it('accepts a promotion inside all its limits, boundaries included', () => {
    const p = promo('p', {
      plans: ['y1'],
      channels: ['online'],
      startsOn: TODAY,
      endsOn: TODAY,
      maxRedemptions: 3,
      used: 2,
      perCardLimit: 1,
    });
    expect(refusal(p, Y1, 'online', TODAY)).toBeUndefined();
  });

  it('names each reason', () => {
    const cases: [Partial<Promotion>, unknown][] = [
      [{ active: false }, { code: 'coupon_unknown' }],
      [{ endsOn: '2027-01-14' }, { code: 'coupon_expired' }],
      [{ startsOn: '2027-01-16' }, { code: 'coupon_not_applicable', reason: 'not_started' }],
      [{ plans: ['m1'] }, { code: 'coupon_not_applicable', reason: 'plan' }],
      [{ plans: [] }, { code: 'coupon_not_applicable', reason: 'plan' }],
      [{ channels: ['counter'] }, { code: 'coupon_not_applicable', reason: 'channel' }],
      [
        { maxRedemptions: 3, used: 3 },
        { code: 'coupon_exhausted', limit: 'maxRedemptions' },
      ],
      [
        { perCardLimit: 1, usedByCard: 1 },
        { code: 'coupon_exhausted', limit: 'perCardLimit' },
      ],
      [{ maxRedemptions: 0 }, { code: 'coupon_exhausted', limit: 'maxRedemptions' }],
    ];
    for (const [o, why] of cases) expect(refusal(promo('p', o), Y1, 'online', TODAY), JSON.stringify(o)).toEqual(why);
  });
});

describe('priceRenewal: examples', () => {
  it('charges the list price without promotions', () => {
    expect(ok(price(Y1, []))).toEqual({
      listPrice: 8800,
      discounts: [],
      bonus: null,
      total: 8800,
      periods: [{ months: 12, days: 0 }],
      promotionIds: [],
    });
  });

  it('applies the automatic discount to the list price and the coupon to what remains (api-v1 example)', () => {
    const promos = [promo('auto10', { value: 10 }), promo('save5', { code: 'SAVE5', kind: 'amount', value: 500 })];
    const quote = ok(price(Y1, promos, 'SAVE5'));
    expect(quote.discounts).toEqual([
      { promotion: 'auto10', code: null, kind: 'percent', amount: 880 },
      { promotion: 'save5', code: 'SAVE5', kind: 'amount', amount: 500 },
    ]);
    expect(quote.total).toBe(7420);
    expect(quote.promotionIds).toEqual(['auto10', 'save5']);
    for (const typed of ['save5', 'Save5', 'sAvE5']) expect(ok(price(Y1, promos, typed)).total, typed).toBe(7420);
  });

  it('takes a percent coupon of what remains, not of the list price', () => {
    const plan = { ...M1, price: 1000 };
    const quote = ok(price(plan, [promo('a', { value: 10 }), promo('c', { code: 'HALF', value: 50 })], 'half'));
    expect(quote.discounts.map((d) => d.amount)).toEqual([100, 450]);
    expect(quote.total).toBe(450);
  });

  it('rounds a percent discount half up (50 % of 999 is 500 off)', () => {
    const quote = ok(price({ ...M1, price: 999 }, [promo('a', { value: 50 })]));
    expect(quote.discounts[0]?.amount).toBe(500);
    expect(quote.total).toBe(499);
  });

  it('never takes more than what remains', () => {
    const quote = ok(price(M1, [promo('a', { kind: 'amount', value: 10_000 }), promo('c', { code: 'X', kind: 'amount', value: 300 })], 'x'));
    expect(quote.discounts.map((d) => d.amount)).toEqual([800, 0]);
    expect(quote.total).toBe(0);
  });

  it('adds a bonus after the paid period', () => {
    const quote = ok(price(Y1, [promo('b', { kind: 'bonus', value: 12, unit: 'months' })]));
    expect(quote).toMatchObject({ total: 8800, discounts: [], bonus: { promotion: 'b', months: 12 } });
    expect(quote.periods).toEqual([
      { months: 12, days: 0 },
      { months: 12, days: 0 },
    ]);
    const days = ok(price(M1, [promo('d', { kind: 'bonus', value: 7, unit: 'days' })]));
    expect(days.bonus).toEqual({ promotion: 'd', days: 7 });
    expect(days.periods).toEqual([
      { months: 1, days: 0 },
      { months: 0, days: 7 },
    ]);
  });

  it('picks the automatic promotion with the lowest price per month of validity', () => {
    const pct = promo('pct', { value: 10 });
    const amt = promo('amt', { kind: 'amount', value: 500 });
    const bonus = promo('bonus', { kind: 'bonus', value: 12, unit: 'months' });
    expect(ok(price(Y1, [amt, pct])).promotionIds).toEqual(['pct']);
    expect(ok(price(Y1, [pct, bonus, amt])).promotionIds).toEqual(['bonus']);
    // 30 bonus days = 1 month: 800 / 2 = 400 a month, against 480 (40 % off) or 320 (60 % off).
    const days30 = promo('days30', { kind: 'bonus', value: 30, unit: 'days' });
    expect(ok(price(M1, [promo('p40', { value: 40 }), days30])).promotionIds).toEqual(['days30']);
    expect(ok(price(M1, [days30, promo('p60', { value: 60 })])).promotionIds).toEqual(['p60']);
    // A day is exactly 1/30 month: 800 / (1 + 30/30) = 400 ties 50 % off 800, so the earlier one wins.
    expect(ok(price(M1, [days30, promo('p50', { value: 50 })])).promotionIds).toEqual(['days30']);
    expect(ok(price(M1, [promo('p50', { value: 50 }), days30])).promotionIds).toEqual(['p50']);
  });

  it('gives ties to the earlier promotion in the list', () => {
    // 50 % off 12 months (4400 / 12) ties 12 bonus months (8800 / 24).
    const half = promo('half', { value: 50 });
    const bonus = promo('bonus', { kind: 'bonus', value: 12, unit: 'months' });
    expect(ok(price(Y1, [half, bonus])).promotionIds).toEqual(['half']);
    expect(ok(price(Y1, [bonus, half])).promotionIds).toEqual(['bonus']);
    const twin = promo('twin', { value: 50 });
    expect(ok(price(Y1, [half, twin])).promotionIds).toEqual(['half']);
    expect(ok(price(Y1, [twin, half])).promotionIds).toEqual(['twin']);
  });

  it('skips automatic promotions that do not apply, silently', () => {
    const promos = [
      promo('m1only', { value: 90, plans: ['m1'] }),
      promo('counter', { value: 80, channels: ['counter'] }),
      promo('later', { value: 70, startsOn: '2027-02-01' }),
    ];
    expect(ok(price(Y1, promos)).total).toBe(8800);
    expect(ok(price(Y1, promos, undefined, 'counter')).promotionIds).toEqual(['counter']);
  });
});

describe('priceRenewal: coupon refusals', () => {
  const refuse = (o: Partial<Promotion>, typed = 'save5', plan = Y1, channel: Channel = 'online') => {
    const result = price(plan, [promo('auto', { value: 5 }), promo('c', { code: 'SAVE5', kind: 'amount', value: 500, ...o })], typed, channel);
    return result.ok ? 'accepted' : result.refusal;
  };

  it('refuses each way a coupon can fail, never ignoring it', () => {
    expect(refuse({}, 'NOPE')).toEqual({ code: 'coupon_unknown' });
    expect(refuse({}, '')).toEqual({ code: 'coupon_unknown' });
    expect(refuse({ active: false })).toEqual({ code: 'coupon_unknown' });
    expect(refuse({ endsOn: '2027-01-14' })).toEqual({ code: 'coupon_expired' });
    expect(refuse({ startsOn: '2027-01-16' })).toEqual({ code: 'coupon_not_applicable', reason: 'not_started' });
    expect(refuse({ plans: ['m1'] })).toEqual({ code: 'coupon_not_applicable', reason: 'plan' });
    expect(refuse({ channels: ['online'] }, 'save5', Y1, 'counter')).toEqual({ code: 'coupon_not_applicable', reason: 'channel' });
    expect(refuse({ maxRedemptions: 10, used: 10 })).toEqual({ code: 'coupon_exhausted', limit: 'maxRedemptions' });
    expect(refuse({ perCardLimit: 2, usedByCard: 2 })).toEqual({ code: 'coupon_exhausted', limit: 'perCardLimit' });
  });

  it('accepts a coupon on the last and first day of its window and below its limits', () => {
    expect(refuse({ endsOn: TODAY, startsOn: TODAY })).toBe('accepted');
    expect(refuse({ maxRedemptions: 10, used: 9, perCardLimit: 2, usedByCard: 1 })).toBe('accepted');
    expect(refuse({ plans: ['y1'], channels: ['counter'] }, 'SAVE5', Y1, 'counter')).toBe('accepted');
  });
});
