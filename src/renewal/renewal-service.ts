/**
 * Online renewal for subscribers: look a card up, quote a plan with promotions, and create
 * the order that a payment will fulfil. A card is found only by its number together with
 * its SIM serial; a wrong pair answers exactly like an unknown number and counts against
 * the anti-probing limits.
 */
import type { Kysely } from 'kysely';
import { todayIn } from '../cards/calendar.js';
import { type CardRow, cardState, lockCard } from '../cards/card-repository.js';
import { cardStatus, daysLeft, expiringSoon, type RenewalRefusal, renew } from '../cards/lifecycle.js';
import type { Catalog } from '../catalog/catalog.js';
import { firstOperatorCode } from '../catalog/catalog-repository.js';
import type { Operator, Plan, PromotionRule } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Database, OrderTable, PaymentTable } from '../db/schema.js';
import type { Transact } from '../guard/idempotency.js';
import type { ProbeGuard } from '../guard/probe-guard.js';
import { isProviderName } from '../payments/provider.js';
import type { PaymentProviderStore } from '../payments/provider-settings.js';
import type { BusinessMetrics } from '../platform/metrics.js';
import type { Clock } from '../shared/clock.js';
import { cardNotFound, DomainError, invalidPhoneNumber } from '../shared/errors.js';
import { iccidMatches, isShortIccidProof } from '../shared/iccid.js';
import { newPaymentId, newSecretId } from '../shared/ids.js';
import { maskMsisdn, parseMsisdn } from '../shared/msisdn.js';
import type { EventPublisher } from '../webhooks/events.js';
import { insertOrderWithPayment, reserveRedemptions } from './order-repository.js';
import { orderView } from './order-view.js';
import { type Channel, type Price, priceRenewal } from './pricing.js';
import { withUsage } from './redemptions.js';

export interface CardProof {
  msisdn: string;
  iccid: string;
}

export interface QuoteRequest extends CardProof {
  plan: string;
  coupon?: string | undefined;
}

export interface OrderRequest extends QuoteRequest {
  payment: string;
}

export interface NewOrder {
  /** Locked by the caller's transaction. */
  card: CardRow;
  operator: Operator;
  plan: Plan;
  price: Price;
  coupon: string | undefined;
  channel: Channel;
  provider: string;
  now: Date;
}

export class RenewalService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly probes: ProbeGuard,
    private readonly clock: Clock,
    private readonly orderTtlMinutes: number,
    /** The payment methods this deployment offers every operator (the sandbox, in demo). */
    private readonly paymentProviders: readonly string[],
    private readonly events: EventPublisher,
    /** Each operator's own providers (Alipay, WeChat Pay, UnionPay), offered while enabled. */
    private readonly providerStore: PaymentProviderStore,
    private readonly metrics: BusinessMetrics,
  ) {}

  /** The payment methods an operator's subscribers may choose now. */
  async paymentMethods(operatorId: string): Promise<string[]> {
    return [...this.paymentProviders, ...(await this.providerStore.enabledFor(operatorId))];
  }

  /** What the web app shows before a card is found: the deployment's operator and how one can pay. */
  async storefront(defaultOperator: string | undefined) {
    const code = defaultOperator ?? (await firstOperatorCode(this.db.kysely));
    const operator = code ? await this.catalog.operatorByCode(code) : undefined;
    return {
      operator: operator ? { code: operator.code, name: operator.displayName, brandColor: operator.brandColor, currency: operator.currency } : null,
      paymentMethods: operator ? await this.paymentMethods(operator.id) : [...this.paymentProviders],
    };
  }

  /** The card the proof opens, or `card_not_found` (recorded as a failed attempt). */
  async findCard(proof: CardProof, ip: string): Promise<{ card: CardRow; operator: Operator }> {
    const msisdn = parseMsisdn(proof.msisdn);
    if (!msisdn) throw invalidPhoneNumber('msisdn');
    const card = await this.probes.findCard(msisdn, ip, { short: isShortIccidProof(proof.iccid) });
    const operator = card && iccidMatches(card.iccid, proof.iccid) ? await this.catalog.operatorById(card.operator_id) : undefined;
    if (!card || !operator) {
      await this.probes.recordFailure(msisdn, ip);
      throw cardNotFound();
    }
    return { card, operator };
  }

  async lookup(proof: CardProof, ip: string) {
    const { card, operator } = await this.findCard(proof, ip);
    const now = this.clock.now();
    const today = todayIn(operator.timeZone, now);
    const state = cardState(card);
    const status = cardStatus(state, today, operator);
    const left = daysLeft(card.valid_until, today);
    const plans = (await this.catalog.plansOf(operator.id)).filter((p) => p.active && p.channels.includes('online'));
    const offers = plans.flatMap((plan) => {
      const outcome = renew(state, [{ months: plan.months, days: plan.days }], today, operator);
      if (!outcome.ok) return [];
      return [
        {
          code: plan.code,
          name: plan.name.en,
          names: plan.name,
          ...periodOf(plan),
          price: plan.price,
          currency: operator.currency,
          validUntilAfter: outcome.result.validUntil,
        },
      ];
    });
    return {
      card: {
        operator: operator.code,
        operatorName: operator.displayName,
        brandColor: operator.brandColor,
        msisdn: maskMsisdn(card.msisdn),
        status,
        validUntil: card.valid_until,
        daysLeft: left,
        expiringSoon: expiringSoon(status, left),
        renewable: status !== 'recycled' && status !== 'blocked',
        today,
      },
      plans: offers,
      paymentMethods: await this.paymentMethods(operator.id),
    };
  }

  async quote(request: QuoteRequest, ip: string, channel: Channel = 'online') {
    const { card, operator } = await this.findCard(request, ip);
    return this.quoteFor(card, operator, request.plan, request.coupon, channel);
  }

  /** The quote of a card already found (online by its proof, at the counter by staff). */
  async quoteFor(card: CardRow, operator: Operator, planCode: string, coupon: string | undefined, channel: Channel) {
    const plan = await this.sellablePlan(operator, planCode, channel);
    const now = this.clock.now();
    const rules = await this.catalog.promotionsOf(operator.id);
    const { price, validity } = await this.price(this.db.kysely, operator, plan, card, coupon, channel, now, rules, false);
    return {
      plan: plan.code,
      listPrice: price.listPrice,
      currency: operator.currency,
      discounts: price.discounts,
      bonus: price.bonus,
      total: price.total,
      validUntilBefore: card.valid_until,
      validUntilAfter: validity.validUntil,
    };
  }

  /**
   * Creates a pending order with its payment and reserved redemptions, in one transaction
   * (`transact`, which also records the answer under the request's idempotency key).
   */
  async createOrder(request: OrderRequest, ip: string, transact: Transact, channel: Channel = 'online') {
    // A method nobody offers is refused before the card is looked up; one this operator
    // has not switched on, after.
    if (!this.paymentProviders.includes(request.payment) && !isProviderName(request.payment)) {
      throw methodUnavailable(request.payment, [...this.paymentProviders]);
    }
    const { card: found, operator } = await this.findCard(request, ip);
    const methods = await this.paymentMethods(operator.id);
    if (!methods.includes(request.payment)) {
      throw methodUnavailable(request.payment, methods);
    }
    const plan = await this.sellablePlan(operator, request.plan, channel);
    const now = this.clock.now();
    // Read outside the transaction: on SQLite the transaction holds the only connection.
    const rules = await this.catalog.promotionsOf(operator.id);
    const created = await transact(async (trx) => {
      const card = await lockCard(trx, this.db.dialect, found.id);
      const { price } = await this.price(trx, operator, plan, card, request.coupon, channel, now, rules, true);
      const { view } = await this.insertOrder(trx, { card, operator, plan, price, coupon: request.coupon, channel, provider: request.payment, now });
      return { status: 201, body: view };
    });
    this.metrics.orderCreated(channel, request.payment);
    return created;
  }

  /**
   * Writes a pending order for a priced renewal of a locked card, with its payment and
   * reserved redemptions, and publishes `order.created`; the online and the counter
   * renewal both go through here.
   */
  async insertOrder(trx: Kysely<Database>, input: NewOrder) {
    const { card, operator, plan, price, channel, now } = input;
    const nowIso = now.toISOString();
    const bonus = price.periods.slice(1).reduce((sum, p) => ({ months: sum.months + p.months, days: sum.days + p.days }), { months: 0, days: 0 });
    const order: OrderTable = {
      id: newSecretId('ord'),
      operator_id: operator.id,
      card_id: card.id,
      plan_id: plan.id,
      plan_code: plan.code,
      channel,
      status: 'pending_payment',
      list_price: price.listPrice,
      total: price.total,
      currency: operator.currency,
      discounts: JSON.stringify(price.discounts),
      period_months: plan.months,
      period_days: plan.days,
      bonus_months: bonus.months,
      bonus_days: bonus.days,
      bonus_promotion_id: price.bonus?.promotion ?? null,
      coupon_code: input.coupon ? input.coupon.trim().toUpperCase() : null,
      payment_provider: input.provider,
      expires_at: new Date(now.getTime() + this.orderTtlMinutes * 60_000).toISOString(),
      created_at: nowIso,
      updated_at: nowIso,
      fulfilled_at: null,
      valid_until_before: null,
      valid_until_after: null,
      anchor_day_before: null,
      receipt_number: null,
      refund_reason: null,
      refunded_at: null,
    };
    const payment: PaymentTable = {
      id: newPaymentId(),
      order_id: order.id,
      provider: input.provider,
      status: 'pending',
      amount: price.total,
      currency: operator.currency,
      paid_amount: null,
      paid_currency: null,
      flag: null,
      attempts: 0,
      created_at: nowIso,
      updated_at: nowIso,
    };
    await insertOrderWithPayment(trx, order, payment);
    await reserveRedemptions(trx, price.promotionIds, order.id, card.id, nowIso);
    // The same view GET /v1/orders/{id} gives, so a replay and a read agree.
    const view = orderView(order, payment, operator, card.msisdn, now, undefined, plan.name);
    await this.events.publish(trx, operator.id, 'order.created', { order: view, card: { id: card.id, msisdn: card.msisdn } }, now);
    return { order, payment, view };
  }

  async sellablePlan(operator: Operator, code: string, channel: Channel): Promise<Plan> {
    const plan = (await this.catalog.plansOf(operator.id)).find((p) => p.code === code);
    if (!plan) throw new DomainError('plan_not_found', { 'zh-CN': `该运营商没有代码为“${code}”的套餐。`, en: `The operator has no plan "${code}".` });
    if (!plan.active || !plan.channels.includes(channel)) {
      throw new DomainError('plan_not_available', {
        'zh-CN': `套餐“${code}”目前不在${channel === 'online' ? '网上' : '柜台'}销售。`,
        en: `The plan "${code}" is not sold ${channel === 'online' ? 'online' : 'at the counter'} now.`,
      });
    }
    return plan;
  }

  /** Prices the plan for the card now; `lock` holds the limited promotions until the transaction ends. */
  async price(
    db: Kysely<Database>,
    operator: Operator,
    plan: Plan,
    card: CardRow,
    coupon: string | undefined,
    channel: Channel,
    now: Date,
    rules: PromotionRule[],
    lock: boolean,
  ): Promise<{ price: Price; validity: { validUntil: string } }> {
    const today = todayIn(operator.timeZone, now);
    const promotions = await withUsage(db, this.db.dialect, rules, card.id, now, today, lock);
    const priced = priceRenewal({ plan, channel, today, promotions, coupon });
    if (!priced.ok) {
      const { code, ...details } = priced.refusal;
      // The catalogue says it, but for a coupon that does not apply here: it may elsewhere.
      throw new DomainError(code, code === 'coupon_not_applicable' ? COUPON_NOT_APPLICABLE : undefined, details);
    }
    const outcome = renew(cardState(card), priced.price.periods, today, operator);
    if (!outcome.ok) throw new DomainError(outcome.reason);
    return { price: priced.price, validity: outcome.result };
  }
}

function periodOf(plan: Plan): { months: number } | { days: number } {
  return plan.months > 0 ? { months: plan.months } : { days: plan.days };
}

const COUPON_NOT_APPLICABLE = {
  'zh-CN': '该优惠码不适用于所选套餐、购买渠道或日期。',
  en: 'This coupon does not apply to this plan, channel or date.',
} as const;

const methodUnavailable = (method: string, available: readonly string[]) =>
  new DomainError(
    'payment_method_unavailable',
    { 'zh-CN': `支付方式“${method}”暂不可用。`, en: `The payment method "${method}" is not available.` },
    { available },
  );

const RENEWAL_REFUSALS: ReadonlySet<string> = new Set<RenewalRefusal>(['card_recycled', 'card_blocked', 'period_too_short']);

/** Is this a reason the card's lifecycle refuses a renewal (each its own code in the catalogue)? */
export function isRenewalRefusal(reason: string): reason is RenewalRefusal {
  return RENEWAL_REFUSALS.has(reason);
}
