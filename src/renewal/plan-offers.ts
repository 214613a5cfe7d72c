/**
 * What a subscriber is offered before choosing: each plan's price after the automatic
 * promotion it would get now (the one the quote would apply), and the promotion's name, so
 * a page can show ¥79.20 with ¥88.00 struck through instead of a discount that appears only
 * once the plan is picked; and the names of the promotions in a quote's breakdown.
 *
 * It wraps RenewalService's lookup and quote, whose answers it completes with `offer` and
 * `name` fields. (Folding this into RenewalService.lookup/quoteFor would save the second
 * card read the lookup makes here.)
 */
import { todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Plan, PromotionRule } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { type Channel, type Promotion, priceRenewal } from './pricing.js';
import { withUsage } from './redemptions.js';
import type { CardProof, QuoteRequest, RenewalService } from './renewal-service.js';

export type LocalName = { 'zh-CN': string; en: string };

export interface Offer {
  /** What the card would pay for the plan now, before any coupon. */
  price: number;
  /** The automatic promotion behind that price; null when none applies. */
  promotion: { id: string; code: string | null; name: LocalName } | null;
}

type NamedRule = Pick<Promotion, 'code' | 'kind' | 'value' | 'unit'>;

function yuan(minor: number, currency: string): string {
  return `${currency === 'CNY' ? '¥' : `${currency} `}${(minor / 100).toFixed(2)}`;
}

/**
 * A promotion's name in both languages, from its rule (promotions have no name of their
 * own): "自动优惠 9折" / "Automatic 10% off", "优惠码 SAVE5 立减¥5.00" / "Coupon SAVE5: ¥5.00 off".
 */
export function promotionName(p: NamedRule, currency: string): LocalName {
  const what: LocalName =
    p.kind === 'percent'
      ? { 'zh-CN': `${(100 - p.value) / 10}折`, en: `${p.value}% off` }
      : p.kind === 'amount'
        ? { 'zh-CN': `立减${yuan(p.value, currency)}`, en: `${yuan(p.value, currency)} off` }
        : p.unit === 'days'
          ? { 'zh-CN': `赠送${p.value}天`, en: `${p.value} ${p.value === 1 ? 'day' : 'days'} free` }
          : { 'zh-CN': `赠送${p.value}个月`, en: `${p.value} ${p.value === 1 ? 'month' : 'months'} free` };
  return p.code === null
    ? { 'zh-CN': `自动优惠 ${what['zh-CN']}`, en: `Automatic ${what.en}` }
    : { 'zh-CN': `优惠码 ${p.code} ${what['zh-CN']}`, en: `Coupon ${p.code}: ${what.en}` };
}

/** The price of the plan with the best automatic promotion (pricing's own choice), no coupon. */
export function automaticOffer(plan: Plan, channel: Channel, today: string, promotions: Promotion[], currency: string): Offer {
  const priced = priceRenewal({ plan, channel, today, promotions });
  if (!priced.ok) return { price: plan.price, promotion: null };
  const id = priced.price.promotionIds[0];
  const rule = promotions.find((p) => p.id === id);
  return {
    price: priced.price.total,
    promotion: rule ? { id: rule.id, code: rule.code, name: promotionName(rule, currency) } : null,
  };
}

export class PlanOffers {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly renewal: RenewalService,
    private readonly clock: Clock,
  ) {}

  /** The lookup's answer, each plan with its `offer`. */
  async lookup(proof: CardProof, ip: string) {
    const answer = await this.renewal.lookup(proof, ip);
    const { card, operator } = await this.renewal.findCard(proof, ip);
    const now = this.clock.now();
    const today = todayIn(operator.timeZone, now);
    const rules = await this.catalog.promotionsOf(operator.id);
    const promotions = await withUsage(this.db.kysely, this.db.dialect, rules, card.id, now, today, false);
    const plans = await this.catalog.plansOf(operator.id);
    return {
      ...answer,
      plans: answer.plans.map((offered) => {
        const plan = plans.find((p) => p.code === offered.code);
        return { ...offered, offer: plan ? automaticOffer(plan, 'online', today, promotions, operator.currency) : { price: offered.price, promotion: null } };
      }),
    };
  }

  /** The quote, each discount and the bonus with its promotion's `name`. */
  async quote(request: QuoteRequest, ip: string) {
    const { card, operator } = await this.renewal.findCard(request, ip);
    const quote = await this.renewal.quoteFor(card, operator, request.plan, request.coupon, 'online');
    const rules = await this.catalog.promotionsOf(operator.id);
    return withPromotionNames(quote, rules, operator.currency);
  }
}

/** A breakdown whose discounts (and bonus) carry their promotion's name. */
export function withPromotionNames<Q extends { discounts: { promotion: string }[]; bonus: { promotion: string } | null }>(
  quote: Q,
  rules: PromotionRule[],
  currency: string,
): Q {
  const name = (id: string) => {
    const rule = rules.find((p) => p.id === id);
    return rule ? { name: promotionName(rule, currency) } : {};
  };
  return {
    ...quote,
    discounts: quote.discounts.map((d) => ({ ...d, ...name(d.promotion) })),
    bonus: quote.bonus ? { ...quote.bonus, ...name(quote.bonus.promotion) } : null,
  };
}
