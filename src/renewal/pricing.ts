/**
 * Prices and promotions, pure. An order gets at most one automatic promotion (the best for
 * the subscriber: lowest price per month of validity, ties to the earlier-created) and at
 * most one coupon, applied to what the automatic one leaves. Percentages round half up to
 * the minor unit; no discount exceeds what remains, so no total is negative.
 */
import { compareDates, type LocalDate, type Period } from '../cards/calendar.js';

export type Channel = 'online' | 'counter';

export interface PricedPlan {
  code: string;
  price: number;
  months: number;
  days: number;
}

export interface Promotion {
  id: string;
  /** Upper-cased coupon code; null for an automatic promotion. */
  code: string | null;
  kind: 'percent' | 'amount' | 'bonus';
  value: number;
  unit: 'months' | 'days' | null;
  plans: string[] | null;
  channels: Channel[] | null;
  startsOn: LocalDate | null;
  endsOn: LocalDate | null;
  maxRedemptions: number | null;
  perCardLimit: number | null;
  active: boolean;
  /** Orders currently holding a redemption, in total and for the card being priced. */
  used: number;
  usedByCard: number;
}

export interface Discount {
  promotion: string;
  code: string | null;
  kind: 'percent' | 'amount';
  amount: number;
}

export interface Bonus {
  promotion: string;
  months?: number;
  days?: number;
}

export interface Price {
  listPrice: number;
  discounts: Discount[];
  bonus: Bonus | null;
  total: number;
  /** The paid period, then any bonus periods, in the order they are added. */
  periods: Period[];
  promotionIds: string[];
}

export type CouponRefusal =
  | { code: 'coupon_unknown' }
  | { code: 'coupon_expired' }
  | { code: 'coupon_not_applicable'; reason: 'plan' | 'channel' | 'not_started' }
  | { code: 'coupon_exhausted'; limit: 'maxRedemptions' | 'perCardLimit' };

export function percentOff(amount: number, percent: number): number {
  // Half up: 50 % of 999 is 500 off.
  return Math.floor((amount * percent + 50) / 100);
}

function exhaustedLimit(p: Promotion): 'maxRedemptions' | 'perCardLimit' | undefined {
  if (p.maxRedemptions !== null && p.used >= p.maxRedemptions) return 'maxRedemptions';
  if (p.perCardLimit !== null && p.usedByCard >= p.perCardLimit) return 'perCardLimit';
  return undefined;
}

type Dated = Pick<Promotion, 'active' | 'startsOn' | 'endsOn'>;
const ended = (p: Dated, today: LocalDate) => p.endsOn !== null && compareDates(today, p.endsOn) > 0;
const notStarted = (p: Dated, today: LocalDate) => p.startsOn !== null && compareDates(today, p.startsOn) < 0;

/** Switched on and in date `today`: the promotions whose limits `refusal` may reach. */
export function inForce(p: Dated, today: LocalDate): boolean {
  return p.active && !ended(p, today) && !notStarted(p, today);
}

/** Why a promotion does not apply to this plan, channel and day, or undefined if it does. */
export function refusal(p: Promotion, plan: PricedPlan, channel: Channel, today: LocalDate): CouponRefusal | undefined {
  if (!p.active) return { code: 'coupon_unknown' };
  if (ended(p, today)) return { code: 'coupon_expired' };
  if (notStarted(p, today)) return { code: 'coupon_not_applicable', reason: 'not_started' };
  if (p.plans !== null && !p.plans.includes(plan.code)) return { code: 'coupon_not_applicable', reason: 'plan' };
  if (p.channels !== null && !p.channels.includes(channel)) return { code: 'coupon_not_applicable', reason: 'channel' };
  const limit = exhaustedLimit(p);
  if (limit) return { code: 'coupon_exhausted', limit };
  return undefined;
}

function apply(price: Price, p: Promotion): Price {
  if (p.kind === 'bonus') {
    const bonusPeriod: Period = p.unit === 'days' ? { months: 0, days: p.value } : { months: p.value, days: 0 };
    const bonus: Bonus = p.unit === 'days' ? { promotion: p.id, days: p.value } : { promotion: p.id, months: p.value };
    return {
      ...price,
      bonus: price.bonus ?? bonus,
      periods: [...price.periods, bonusPeriod],
      promotionIds: [...price.promotionIds, p.id],
    };
  }
  const wanted = p.kind === 'percent' ? percentOff(price.total, p.value) : p.value;
  const amount = Math.max(0, Math.min(wanted, price.total));
  return {
    ...price,
    discounts: [...price.discounts, { promotion: p.id, code: p.code, kind: p.kind, amount }],
    total: price.total - amount,
    promotionIds: [...price.promotionIds, p.id],
  };
}

/** Validity bought, in thirtieths of a month (a day counts as 1/30 month). */
function validityUnits(price: Price): number {
  return price.periods.reduce((sum, p) => sum + p.months * 30 + p.days, 0);
}

/** Is `a` cheaper per month of validity than `b`? */
function cheaperPerMonth(a: Price, b: Price): boolean {
  return a.total * validityUnits(b) < b.total * validityUnits(a);
}

export interface PriceInput {
  plan: PricedPlan;
  channel: Channel;
  today: LocalDate;
  /** The operator's promotions, oldest first. */
  promotions: Promotion[];
  /** The coupon the subscriber entered, as typed. */
  coupon?: string | undefined;
}

export type PriceResult = { ok: true; price: Price } | { ok: false; refusal: CouponRefusal };

export function priceRenewal(input: PriceInput): PriceResult {
  const { plan, channel, today, promotions } = input;
  let coupon: Promotion | undefined;
  if (input.coupon !== undefined) {
    const wanted = input.coupon.trim().toUpperCase();
    coupon = promotions.find((p) => p.code === wanted);
    if (!coupon) return { ok: false, refusal: { code: 'coupon_unknown' } };
    const why = refusal(coupon, plan, channel, today);
    if (why) return { ok: false, refusal: why };
  }
  const base: Price = {
    listPrice: plan.price,
    discounts: [],
    bonus: null,
    total: plan.price,
    periods: [{ months: plan.months, days: plan.days }],
    promotionIds: [],
  };
  const withCoupon = (price: Price) => (coupon ? apply(price, coupon) : price);

  let best = withCoupon(base);
  let bestIsAutomatic = false;
  for (const auto of promotions) {
    if (auto.code !== null || refusal(auto, plan, channel, today)) continue;
    const candidate = withCoupon(apply(base, auto));
    // Promotions come oldest first, so a strict comparison gives ties to the earlier one.
    if (!bestIsAutomatic || cheaperPerMonth(candidate, best)) {
      best = candidate;
      bestIsAutomatic = true;
    }
  }
  return { ok: true, price: best };
}
