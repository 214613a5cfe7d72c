/** Turns a fulfilled order into its receipt PDF (data from the order, layout in pdf.ts). */

import { instantIn } from '../cards/calendar.js';
import type { OrderService } from '../renewal/order-service.js';
import { paymentMethodName, renderReceiptPdf } from './pdf.js';

/** An order's receipt PDF and its receipt number. */
export type ReceiptPdf = (orderId: string) => Promise<{ pdf: Buffer; number: string }>;

export function receiptPdfService(orders: OrderService): ReceiptPdf {
  return async (orderId) => {
    const { order, operator, msisdnMasked, planName, verifyUrl } = await orders.receipt(orderId);
    const discounts = (JSON.parse(order.discounts) as { promotion: string; code: string | null; amount: number }[]).map((d) => ({
      label: d.code ? `优惠码 Coupon ${d.code}` : '自动优惠 Promotion',
      amount: d.amount,
    }));
    const bonus = order.bonus_months > 0 ? `+${order.bonus_months} 个月 months` : order.bonus_days > 0 ? `+${order.bonus_days} 天 days` : null;
    const number = order.receipt_number ?? '';
    const pdf = await renderReceiptPdf({
      number,
      operatorName: operator.displayName,
      msisdnMasked,
      planName,
      listPrice: order.list_price,
      discounts,
      bonus,
      total: order.total,
      currency: order.currency,
      paymentMethod: paymentMethodName(order.payment_provider),
      validUntilBefore: order.valid_until_before ?? '',
      validUntilAfter: order.valid_until_after ?? '',
      issuedAtLocal: instantIn(operator.timeZone, order.fulfilled_at ?? order.updated_at),
      timeZone: operator.timeZone,
      verifyUrl,
    });
    return { pdf, number };
  };
}
