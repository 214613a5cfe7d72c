/**
 * Voids of counter renewals: a void takes a renewal back within its (still open) shift,
 * requested by staff of the hall, approved and carried out by a supervisor other than the
 * requester. The extension and the payment are taken back and the order becomes `refunded`;
 * refused once a later renewal was fulfilled on the card.
 */
import type { Db } from '../../db/database.js';
import { refundPayments } from '../../payments/payment-repository.js';
import type { BusinessMetrics } from '../../platform/metrics.js';
import { lockOrder, updateOrder } from '../../renewal/order-repository.js';
import { ORDER_STATUS_WORDS } from '../../renewal/order-view.js';
import { takeBackExtension } from '../../renewal/reversal.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/errors.js';
import type { EventPublisher } from '../../webhooks/events.js';
import { audit } from '../audit.js';
import { voidedOrderState } from '../counter/counter-renewal-repository.js';
import { assertInHall, assertSupervises, type HallActor, staffOf } from '../hall-access.js';
import { hallRef } from '../hall-repository.js';
import { counterPaymentOf, lockCounterPayment, lockShift, recordVoid, requestVoid } from './shift-repository.js';

export class VoidService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly metrics: BusinessMetrics,
  ) {}

  private async counterPayment(orderId: string) {
    const payment = await counterPaymentOf(this.db.kysely, orderId);
    if (!payment) throw new DomainError('order_not_found', { 'zh-CN': '没有这个订单号的柜台续费。', en: 'No counter renewal has this order id.' });
    return payment;
  }

  async requestVoid(actor: HallActor, orderId: string, reason: string) {
    const payment = await this.counterPayment(orderId);
    const hall = await hallRef(this.db.kysely, payment.hall_id);
    assertInHall(staffOf(actor), hall);
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const requested = await requestVoid(trx, orderId, reason, staffOf(actor).id, now.toISOString());
      if (!requested)
        throw new DomainError('void_refused', { 'zh-CN': '这笔续费已申请过作废，或已作废。', en: 'A void of this renewal was already requested or done.' });
      await audit(trx, actor, actor.ip, { operatorId: hall.operatorId, hallId: hall.id, action: 'void.request', subject: orderId, detail: { reason } }, now);
    });
    return this.voidView(orderId);
  }

  /**
   * Carries out a requested void: within the renewal's shift (still open), by a supervisor
   * other than the requester; the extension and the payment are taken back and the order
   * becomes `refunded`. Refused once a later renewal was fulfilled on the card.
   */
  async approveVoid(actor: HallActor, orderId: string) {
    const staff = staffOf(actor);
    const payment = await this.counterPayment(orderId);
    const hall = await hallRef(this.db.kysely, payment.hall_id);
    assertSupervises(staff, hall);
    if (payment.void_requested_by === staff.id)
      throw new DomainError('forbidden', {
        'zh-CN': '作废须由申请人以外的另一位值班主管批准。',
        en: 'A void is approved by a supervisor other than the one who requested it.',
      });
    const now = this.clock.now();
    const nowIso = now.toISOString();
    await this.db.kysely.transaction().execute(async (trx) => {
      const shift = await lockShift(trx, this.db.dialect, payment.shift_id);
      const current = await lockCounterPayment(trx, this.db.dialect, orderId);
      if (current.void_status !== 'requested')
        throw new DomainError('void_refused', { 'zh-CN': '这笔续费没有待批准的作废申请。', en: 'No void of this renewal is waiting for approval.' });
      if (shift?.status !== 'open')
        throw new DomainError('void_refused', {
          'zh-CN': '这笔续费所在的班次已结班：只能在同一班次内作废。',
          en: 'The renewal’s shift is closed: a void is possible only within the same shift.',
        });
      const order = await lockOrder(trx, this.db.dialect, orderId);
      if (order.status !== 'fulfilled')
        throw new DomainError('void_refused', {
          'zh-CN': `${ORDER_STATUS_WORDS[order.status]['zh-CN']}的订单不能作废。`,
          en: `An order that is ${ORDER_STATUS_WORDS[order.status].en} cannot be voided.`,
        });
      try {
        await takeBackExtension(trx, this.db.dialect, order, nowIso, `staff:${staff.id}`);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'order_not_pending') throw new DomainError('void_refused', error.text);
        throw error;
      }
      const reason = `void: ${current.void_reason ?? ''}`;
      await updateOrder(trx, orderId, { status: 'refunded', refunded_at: nowIso, refund_reason: reason, updated_at: nowIso });
      // A counter payment is `succeeded` from the start: the refund of its order's settled payments is that one.
      await refundPayments(trx, orderId, nowIso);
      await recordVoid(trx, orderId, staff.id, nowIso);
      await this.events.publish(
        trx,
        order.operator_id,
        'order.refunded',
        { order: { id: orderId, status: 'refunded', refundReason: reason, validUntil: order.valid_until_before } },
        now,
      );
      await audit(
        trx,
        actor,
        actor.ip,
        { operatorId: hall.operatorId, hallId: hall.id, action: 'void.approve', subject: orderId, detail: { shift: shift.id, amount: current.amount } },
        now,
      );
    });
    // A void is the counter's refund: counted once it committed.
    this.metrics.refund('counter', 'refunded');
    return this.voidView(orderId);
  }

  private async voidView(orderId: string) {
    const p = await this.counterPayment(orderId);
    const order = await voidedOrderState(this.db.kysely, orderId);
    return {
      order: orderId,
      orderStatus: order.status,
      voidStatus: p.void_status,
      reason: p.void_reason,
      requestedBy: p.void_requested_by,
      voidedBy: p.voided_by,
      shift: p.shift_id,
      validUntil: order.status === 'refunded' ? order.valid_until_before : order.valid_until_after,
    };
  }
}
