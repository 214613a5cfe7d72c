/**
 * Orders after creation: read one, cancel it, its receipt (PDF data and public
 * verification), the operator's list, and refunds recorded by the operator. Also the
 * sweeper that stores `expired` on unpaid orders past their time.
 */
import { instantIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import { planName } from '../catalog/catalog-repository.js';
import { type AdminPrincipal, assertMayActFor, type CatalogService } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import type { ProbeGuard } from '../guard/probe-guard.js';
import { latestPaymentOf, refundPayments } from '../payments/payment-repository.js';
import type { BusinessMetrics } from '../platform/metrics.js';
import type { ReceiptLinker } from '../receipts/receipt-links.js';
import { parseReceiptNumber } from '../receipts/receipt-number.js';
import { numberReceipts } from '../receipts/receipt-numbering.js';
import { operatorsAwaitingReceipts, orderOfReceipt, receiptRecord } from '../receipts/receipt-repository.js';
import { renderCalendar } from '../reminders/calendar-feed.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { maskMsisdn } from '../shared/msisdn.js';
import type { EventPublisher } from '../webhooks/events.js';
import { listOrders, type OrderListQuery } from './order-list.js';
import { expireOverdueOrders, findOrderWithMsisdn, lockOrder, lockOrderState, updateOrder } from './order-repository.js';
import { effectiveStatus, ORDER_STATUS_WORDS, orderView } from './order-view.js';
import { takeBackExtension } from './reversal.js';

const orderNotFound = () => new DomainError('order_not_found');
const noGenuineReceipt = () =>
  new DomainError('receipt_not_found', { 'zh-CN': '找不到与该编号和签名相符的收据。', en: 'No genuine receipt has this number and signature.' });

export class OrderService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly catalogService: CatalogService,
    private readonly links: ReceiptLinker,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly metrics: BusinessMetrics,
  ) {}

  private async load(id: string) {
    const found = await findOrderWithMsisdn(this.db.kysely, id);
    if (!found) throw orderNotFound();
    const operator = await this.catalog.operatorById(found.order.operator_id);
    if (!operator) throw orderNotFound();
    return { ...found, operator };
  }

  async get(id: string) {
    let { order, msisdn, operator } = await this.load(id);
    if (order.fulfilled_at !== null && order.receipt_number === null) {
      // Fulfilled, but the numbering after its commit did not run (a crash, say): run it now.
      await numberReceipts(this.db, operator, this.events);
      ({ order, msisdn, operator } = await this.load(id));
    }
    const payment = await latestPaymentOf(this.db.kysely, id);
    const receipt = order.receipt_number ? this.links.links(order.id, order.receipt_number) : undefined;
    const plan = (await this.catalog.plansOf(operator.id)).find((p) => p.id === order.plan_id);
    return orderView(order, payment, operator, msisdn, this.clock.now(), receipt, plan?.name);
  }

  /** Cancels an unpaid order; its reserved redemptions are released with it. */
  async cancel(id: string) {
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const order = await lockOrderState(trx, this.db.dialect, id);
      if (!order) throw orderNotFound();
      if (effectiveStatus(order, now) !== 'pending_payment')
        throw new DomainError('order_not_pending', { 'zh-CN': '只有待支付的订单可以取消。', en: 'Only an order awaiting payment can be cancelled.' });
      await updateOrder(trx, id, { status: 'cancelled', updated_at: now.toISOString() });
      await this.events.publish(trx, order.operator_id, 'order.cancelled', { order: { id, status: 'cancelled' } }, now);
    });
    return this.get(id);
  }

  /**
   * The order of a receipt, for a subscriber who kept the receipt number and knows the
   * last 4 digits of the phone number. Failures count against the anti-probing limits,
   * since receipt numbers follow each other.
   */
  async findByReceipt(number: string, last4: string, ip: string, probes: ProbeGuard): Promise<{ id: string }> {
    const receipt = number.trim().toUpperCase();
    await probes.assertAllowedFor(`receipt:${receipt}`, ip);
    const row = await orderOfReceipt(this.db.kysely, receipt);
    if (!row?.msisdn.endsWith(last4)) {
      await probes.recordFailureFor(`receipt:${receipt}`, ip);
      throw new DomainError('order_not_found', {
        'zh-CN': '找不到收据编号与手机号码后4位都相符的订单。',
        en: 'No order has this receipt number with a phone number ending so.',
      });
    }
    return { id: row.id };
  }

  /** A calendar entry for the new expiry of a fulfilled order, with an alarm a week before. */
  async calendar(id: string): Promise<string> {
    const { order, msisdn, operator } = await this.load(id);
    if (order.status !== 'fulfilled' || !order.valid_until_after)
      throw new DomainError('order_not_found', {
        'zh-CN': '该订单尚未续费成功，还没有新的有效期。',
        en: 'This order is not fulfilled: it has no new expiry yet.',
      });
    const masked = maskMsisdn(msisdn);
    return renderCalendar({
      name: `${operator.displayName} ${masked}`,
      now: this.clock.now(),
      events: [
        {
          uid: `${order.card_id}-${order.valid_until_after}@simkeep`,
          date: order.valid_until_after,
          summary: `号码 ${masked} 到期 / Number ${masked} expires`,
          description: `${operator.displayName}: 请在到期前续费 / renew before it expires`,
          url: `${this.links.publicUrl}/`,
        },
      ],
    });
  }

  /** Everything the receipt PDF shows. */
  async receipt(id: string) {
    const { order, msisdn, operator } = await this.load(id);
    if (!order.receipt_number || !order.fulfilled_at)
      throw new DomainError('receipt_not_found', { 'zh-CN': '该订单尚未续费成功，没有收据。', en: 'This order has no receipt (it is not fulfilled).' });
    const plan = await planName(this.db.kysely, order.plan_id);
    return {
      order,
      operator,
      msisdnMasked: maskMsisdn(msisdn),
      planName: { 'zh-CN': plan.name_zh, en: plan.name_en },
      verifyUrl: this.links.absoluteVerifyUrl(order.receipt_number),
    };
  }

  /** Public verification: answers only for a number with its valid signature. */
  async verifyReceipt(number: string, signature: string | undefined) {
    if (!parseReceiptNumber(number) || !this.links.verify(number, signature)) throw noGenuineReceipt();
    const row = await receiptRecord(this.db.kysely, number);
    const operator = row ? await this.catalog.operatorById(row.operator_id) : undefined;
    if (!row || !operator) throw noGenuineReceipt();
    return {
      valid: true as const,
      receipt: {
        number: row.number,
        operator: operator.code,
        operatorName: operator.displayName,
        msisdn: maskMsisdn(row.msisdn),
        plan: row.plan_code,
        planName: { 'zh-CN': row.name_zh, en: row.name_en },
        total: row.total,
        currency: row.currency,
        validUntilAfter: row.valid_until_after,
        issuedAt: instantIn(operator.timeZone, row.issued_at),
        timeZone: operator.timeZone,
        refunded: row.status === 'refunded',
      },
    };
  }

  /** A page of orders, newest first: the operator's, or every operator's for a platform admin. */
  async list(principal: AdminPrincipal, query: OrderListQuery) {
    const operatorId = query.operator ? (await this.catalogService.operatorFor(principal, query.operator)).id : principal.operatorId;
    return listOrders(this.db.kysely, operatorId ?? undefined, query, this.clock.now());
  }

  /**
   * Records a refund made outside simkeep. A fulfilled order's extension is taken back,
   * but only while no later renewal of the card was fulfilled.
   */
  async refund(principal: AdminPrincipal, id: string, reason: string) {
    const { operator } = await this.load(id);
    assertMayActFor(principal, operator.id);
    const now = this.clock.now().toISOString();
    const refunded = await this.db.kysely.transaction().execute(async (trx) => {
      const order = await lockOrder(trx, this.db.dialect, id);
      if (order.status !== 'fulfilled' && order.status !== 'refund_pending') {
        throw new DomainError('order_not_pending', {
          'zh-CN': `${ORDER_STATUS_WORDS[order.status]['zh-CN']}的订单不能退款。`,
          en: `An order that is ${ORDER_STATUS_WORDS[order.status].en} cannot be refunded.`,
        });
      }
      if (order.status === 'fulfilled') await takeBackExtension(trx, this.db.dialect, order, now, principal.tokenId);
      await updateOrder(trx, id, { status: 'refunded', refunded_at: now, refund_reason: reason, updated_at: now });
      const restored = order.status === 'fulfilled' ? { validUntil: order.valid_until_before } : {};
      await this.events.publish(trx, operator.id, 'order.refunded', { order: { id, status: 'refunded', refundReason: reason, ...restored } }, new Date(now));
      await refundPayments(trx, id, now);
      return order;
    });
    this.metrics.refund(refunded.channel, 'refunded');
    return this.get(id);
  }

  /** Numbers the receipts of fulfilled orders whose numbering did not run after their commit. */
  async numberPendingReceipts(): Promise<number> {
    let numbered = 0;
    for (const operatorId of await operatorsAwaitingReceipts(this.db.kysely)) {
      const operator = await this.catalog.operatorById(operatorId);
      if (operator) numbered += await numberReceipts(this.db, operator, this.events);
    }
    return numbered;
  }

  /** Stores `expired` on unpaid orders past their time (reads already show it). */
  async expireOverdue(): Promise<number> {
    return expireOverdueOrders(this.db.kysely, this.clock.now().toISOString());
  }
}
