import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Channel, type PricedPlan, type Promotion, priceRenewal } from '../../src/renewal/pricing.js';

const TODAY = '2027-01-15';
const PLAN_CODES = ['m1', 'y1', 'd7'];
const dayArb = fc.constantFrom('2027-01-01', '2027-01-14', TODAY, '2027-01-16', '2027-02-01');
const channelArb = fc.constantFrom<Channel>('online', 'counter');

const planArb: fc.Arbitrary<PricedPlan> = fc
  .record({
    code: fc.constantFrom(...PLAN_CODES),
    price: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(1, 99, 800, 999, 8800)),
    period: fc.oneof(
      fc.integer({ min: 1, max: 24 }).map((months) => ({ months, days: 0 })),
      fc.integer({ min: 1, max: 365 }).map((days) => ({ months: 0, days })),
    ),
  })
  .map(({ code, price, period }) => ({ code, price, ...period }));

const promoArb = (index: number, coupon: boolean): fc.Arbitrary<Promotion> =>
  fc
    .record({
      kindValue: fc.oneof(
        fc.record({ kind: fc.constant('percent' as const), value: fc.integer({ min: 1, max: 100 }), unit: fc.constant(null) }),
        fc.record({ kind: fc.constant('amount' as const), value: fc.integer({ min: 0, max: 20_000 }), unit: fc.constant(null) }),
        fc.record({ kind: fc.constant('bonus' as const), value: fc.integer({ min: 1, max: 24 }), unit: fc.constant('months' as const) }),
        fc.record({ kind: fc.constant('bonus' as const), value: fc.integer({ min: 1, max: 90 }), unit: fc.constant('days' as const) }),
      ),
      plans: fc.option(fc.subarray(PLAN_CODES)),
      channels: fc.option(fc.subarray<Channel>(['online', 'counter'])),
      startsOn: fc.option(dayArb),
      endsOn: fc.option(dayArb),
      maxRedemptions: fc.option(fc.integer({ min: 0, max: 5 })),
      used: fc.integer({ min: 0, max: 6 }),
      perCardLimit: fc.option(fc.integer({ min: 0, max: 3 })),
      usedByCard: fc.integer({ min: 0, max: 3 }),
      active: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    })
    .map(({ kindValue, ...rest }) => ({ id: `p${index}`, code: coupon ? `CODE${index}` : null, ...kindValue, ...rest }));

const promosArb = fc
  .array(fc.boolean(), { maxLength: 6 })
  .chain((isCoupon) => (isCoupon.length ? fc.tuple(...isCoupon.map((c, i) => promoArb(i, c))) : fc.constant([] as Promotion[])));

/** The rule's applicability tests, each independently. */
function failures(p: Promotion, plan: PricedPlan, channel: Channel, today: string): string[] {
  const out: string[] = [];
  if (!p.active) out.push('coupon_unknown');
  if (p.endsOn !== null && today > p.endsOn) out.push('coupon_expired');
  if (p.startsOn !== null && today < p.startsOn) out.push('coupon_not_applicable');
  if (p.plans !== null && !p.plans.includes(plan.code)) out.push('coupon_not_applicable');
  if (p.channels !== null && !p.channels.includes(channel)) out.push('coupon_not_applicable');
  if (p.maxRedemptions !== null && p.used >= p.maxRedemptions) out.push('coupon_exhausted');
  if (p.perCardLimit !== null && p.usedByCard >= p.perCardLimit) out.push('coupon_exhausted');
  return out;
}

const halfUp = (amount: number, percent: number) => {
  const n = amount * percent;
  return (n - (n % 100)) / 100 + (n % 100 >= 50 ? 1 : 0);
};

/** Remaining total and extra validity (in thirtieths of a month) after one promotion. */
function step(total: number, p: Promotion | undefined): { total: number; units: number } {
  if (!p) return { total, units: 0 };
  if (p.kind === 'bonus') return { total, units: p.unit === 'days' ? p.value : p.value * 30 };
  const off = Math.min(total, p.kind === 'percent' ? halfUp(total, p.value) : p.value);
  return { total: total - off, units: 0 };
}

function oracle(plan: PricedPlan, autos: Promotion[], coupon: Promotion | undefined) {
  const planUnits = plan.months * 30 + plan.days;
  const outcome = (auto: Promotion | undefined) => {
    const a = step(plan.price, auto);
    const c = step(a.total, coupon);
    return { auto, total: c.total, units: planUnits + a.units + c.units };
  };
  let best = outcome(undefined);
  autos.forEach((auto, i) => {
    const candidate = outcome(auto);
    // Per month: total / units, compared exactly by cross-multiplication; ties stay with the earlier.
    if (i === 0 || candidate.total * best.units < best.total * candidate.units) best = candidate;
  });
  return best;
}

const inputArb = fc.record({
  plan: planArb,
  channel: channelArb,
  today: dayArb,
  promotions: promosArb,
  couponPick: fc.option(fc.record({ index: fc.nat(7), upper: fc.boolean() })),
});

describe('priceRenewal properties', () => {
  it('matches the oracle: best automatic promotion per month of validity, coupon on what remains, refusals named', () => {
    fc.assert(
      fc.property(inputArb, ({ plan, channel, today, promotions, couponPick }) => {
        let typed: string | undefined;
        if (couponPick) typed = `code${couponPick.index}`;
        if (couponPick?.upper) typed = typed?.toUpperCase();
        const result = priceRenewal({ plan, channel, today, promotions, coupon: typed });
        const coupon = couponPick ? promotions.find((p) => p.code === `CODE${couponPick.index}`) : undefined;
        if (couponPick && !coupon) {
          expect(result).toEqual({ ok: false, refusal: { code: 'coupon_unknown' } });
          return;
        }
        const why = coupon ? failures(coupon, plan, channel, today) : [];
        if (why.length > 0) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(why).toContain(result.refusal.code);
          return;
        }
        if (!result.ok) throw new Error(`unexpected refusal ${JSON.stringify(result.refusal)}`);
        const autos = promotions.filter((p) => p.code === null && failures(p, plan, channel, today).length === 0);
        const expected = oracle(plan, autos, coupon);
        expect(result.price.total).toBe(expected.total);
        expect(result.price.promotionIds).toEqual([expected.auto?.id, coupon?.id].filter((id) => id !== undefined));
        expect(result.price.listPrice).toBe(plan.price);
        const units = result.price.periods.reduce((sum, p) => sum + p.months * 30 + p.days, 0);
        expect(units).toBe(expected.units);
        expect(result.price.periods[0]).toEqual({ months: plan.months, days: plan.days });
      }),
      { numRuns: 3000 },
    );
  });

  it('never gives a negative total, a total above list price, or a discount above what remains', () => {
    fc.assert(
      fc.property(inputArb, ({ plan, channel, today, promotions }) => {
        const result = priceRenewal({ plan, channel, today, promotions });
        if (!result.ok) throw new Error('no coupon entered, so nothing can be refused');
        const { listPrice, discounts, total } = result.price;
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeLessThanOrEqual(listPrice);
        let remaining = listPrice;
        for (const d of discounts) {
          expect(d.amount).toBeGreaterThanOrEqual(0);
          expect(d.amount).toBeLessThanOrEqual(remaining);
          remaining -= d.amount;
        }
        expect(remaining).toBe(total);
        expect(discounts.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('chooses an automatic promotion no other applicable one beats per month', () => {
    fc.assert(
      fc.property(planArb, fc.array(promoArb(0, false), { minLength: 1, maxLength: 5 }), (plan, raw) => {
        const promotions = raw.map((p, i) => ({
          ...p,
          id: `a${i}`,
          active: true,
          plans: null,
          channels: null,
          startsOn: null,
          endsOn: null,
          maxRedemptions: null,
          perCardLimit: null,
        }));
        const result = priceRenewal({ plan, channel: 'online', today: TODAY, promotions });
        if (!result.ok) throw new Error('refused');
        const chosen = result.price.promotionIds[0];
        const index = promotions.findIndex((p) => p.id === chosen);
        expect(index).toBeGreaterThanOrEqual(0);
        const perMonth = (p: Promotion) => oracle(plan, [p], undefined);
        const mine = perMonth(promotions[index] as Promotion);
        promotions.forEach((other, i) => {
          const theirs = perMonth(other);
          const lhs = mine.total * theirs.units;
          const rhs = theirs.total * mine.units;
          if (i < index) expect(lhs).toBeLessThan(rhs);
          else expect(lhs).toBeLessThanOrEqual(rhs);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
