/**
 * How an order reads over the API (`GET /v1/orders/{id}` and the order creation answer).
 * An unpaid order past its `expiresAt` reads as `expired` even before the sweeper stores it.
 */
import { instantIn } from '../cards/calendar.js';
import type { Operator } from '../catalog/model.js';
import type { OrderTable, PaymentTable } from '../db/schema.js';
import type { Text } from '../shared/errors.js';
import { maskMsisdn } from '../shared/msisdn.js';
import type { Bonus, Discount } from './pricing.js';

export type OrderStatus = OrderTable['status'];

/** An order's status in words, for the messages that name it (the web app's own words in Chinese). */
export const ORDER_STATUS_WORDS: Record<OrderStatus, Text> = {
  pending_payment: { 'zh-CN': '待支付', en: 'awaiting payment' },
  fulfilled: { 'zh-CN': '已续费', en: 'fulfilled' },
  expired: { 'zh-CN': '已超时', en: 'expired' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
  refund_pending: { 'zh-CN': '退款处理中', en: 'awaiting its refund' },
  refunded: { 'zh-CN': '已退款', en: 'refunded' },
};

/** Providers with a checkout page at `/pay/{provider}/{paymentId}`. */
const ONLINE_PROVIDERS = new Set(['sandbox', 'alipay', 'wechatpay', 'unionpay']);

export function effectiveStatus(order: Pick<OrderTable, 'status' | 'expires_at'>, now: Date): OrderStatus {
  return order.status === 'pending_payment' && Date.parse(order.expires_at) <= now.getTime() ? 'expired' : order.status;
}

export function orderBonus(order: OrderTable): Bonus | null {
  if (!order.bonus_promotion_id) return null;
  return order.bonus_months > 0
    ? { promotion: order.bonus_promotion_id, months: order.bonus_months }
    : { promotion: order.bonus_promotion_id, days: order.bonus_days };
}

export interface ReceiptLinks {
  number: string;
  pdfUrl: string;
  verifyUrl: string;
}

export function orderView(
  order: OrderTable,
  payment: PaymentTable | undefined,
  operator: Operator,
  msisdn: string,
  now: Date,
  receipt: ReceiptLinks | undefined,
  /** The plan's names, for pages that show them; the code is always there. */
  planName?: { 'zh-CN': string; en: string },
) {
  const status = effectiveStatus(order, now);
  return {
    id: order.id,
    status,
    operator: operator.code,
    msisdn: maskMsisdn(msisdn),
    plan: order.plan_code,
    ...(planName ? { planName } : {}),
    channel: order.channel,
    listPrice: order.list_price,
    discounts: JSON.parse(order.discounts) as Discount[],
    bonus: orderBonus(order),
    total: order.total,
    currency: order.currency,
    createdAt: instantIn(operator.timeZone, order.created_at),
    expiresAt: instantIn(operator.timeZone, order.expires_at),
    payment: payment
      ? {
          id: payment.id,
          provider: payment.provider,
          status: payment.status,
          ...(payment.flag ? { flag: payment.flag } : {}),
          ...(ONLINE_PROVIDERS.has(payment.provider) ? { checkoutUrl: `/pay/${payment.provider}/${payment.id}` } : {}),
        }
      : null,
    ...(order.fulfilled_at
      ? {
          validUntilBefore: order.valid_until_before as string,
          validUntilAfter: order.valid_until_after as string,
          fulfilledAt: instantIn(operator.timeZone, order.fulfilled_at),
        }
      : {}),
    ...(receipt ? { receipt } : {}),
    ...(order.refunded_at ? { refundedAt: instantIn(operator.timeZone, order.refunded_at), refundReason: order.refund_reason } : {}),
  };
}

export type OrderView = ReturnType<typeof orderView>;
