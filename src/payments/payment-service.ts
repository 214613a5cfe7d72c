/**
 * Payment notifications. Each is verified, stored as received (for disputes) and
 * processed at most once per provider event id, in one transaction with everything it
 * causes: a success fulfils the order (or sends the money to `refund_pending`), a failure
 * is recorded and leaves the order payable, a wrong amount or currency is flagged
 * `payment_mismatch` and never fulfils.
 */
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { BusinessMetrics, PaymentOutcome, RefundOutcome } from '../platform/metrics.js';
import type { ReceiptNumbering } from '../receipts/receipt-numbering.js';
import { fulfilOrder } from '../renewal/fulfilment.js';
import { updateOrder } from '../renewal/order-repository.js';
import type { Clock } from '../shared/clock.js';
import { Coalescer } from '../shared/coalescer.js';
import { DomainError } from '../shared/errors.js';
import type { EventPublisher } from '../webhooks/events.js';
import { findPayment, lockOrderOfPayment, notifiedPayments, type PaymentRow, recordPaymentEvent, updatePayment } from './payment-repository.js';
import { verifySandboxSignature } from './sandbox-signature.js';

export interface PaymentEvent {
  id: string;
  /** `payment.pending`: a provider's news that changes nothing (a trade opened, not paid): stored only. */
  type: 'payment.succeeded' | 'payment.failed' | 'payment.pending';
  data: { paymentId: string; amount: number; currency: string };
}

/** A string of 1 to `max` characters without U+0000 (which PostgreSQL text cannot store). */
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && !value.includes('\u0000');

export function parseSandboxEvent(rawBody: string): PaymentEvent {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new DomainError('invalid_request', { 'zh-CN': '请求内容不是有效的 JSON。', en: 'The body is not valid JSON.' });
  }
  const event = body as Partial<PaymentEvent> | null;
  const fields: string[] = [];
  if (!isText(event?.id, 255)) fields.push('/id');
  if (event?.type !== 'payment.succeeded' && event?.type !== 'payment.failed') fields.push('/type');
  const data = event?.data;
  if (!isText(data?.paymentId, 64)) fields.push('/data/paymentId');
  if (!Number.isSafeInteger(data?.amount) || (data?.amount ?? -1) < 0) fields.push('/data/amount');
  if (typeof data?.currency !== 'string' || !/^[A-Z]{3}$/.test(data.currency)) fields.push('/data/currency');
  if (fields.length > 0) {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': `事件格式有误：${fields.join('、')}。`, en: `The event is malformed: ${fields.join(', ')}.` },
      { fields },
    );
  }
  return event as PaymentEvent;
}

/** What a notification did, for the answer and the metrics. */
interface Settled {
  outcome: PaymentOutcome;
  fulfilled?: true;
  refund?: RefundOutcome;
}

export class PaymentService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly sandboxSecret: string,
    private readonly events: EventPublisher,
    private readonly receipts: ReceiptNumbering,
    private readonly metrics: BusinessMetrics,
  ) {}

  /** What a checkout page shows and charges: a payment of this provider. */
  async checkout(paymentId: string, provider = 'sandbox') {
    const row = await findPayment(this.db.kysely, paymentId, provider);
    if (!row) throw new DomainError('payment_not_found');
    return { paymentId: row.id, orderId: row.order_id, amount: row.amount, currency: row.currency, status: row.status, attempts: row.attempts };
  }

  /** The payments that notifications arriving together name, with their operators, in one statement. */
  private readonly notifiedPayments = new Coalescer((ids: string[]) => notifiedPayments(this.db, ids));

  async receiveSandboxNotification(rawBody: string, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
    verifySandboxSignature(this.sandboxSecret, rawBody, signature, this.clock.now());
    const event = parseSandboxEvent(rawBody);
    return this.settle('sandbox', event, rawBody, signature);
  }

  /**
   * Processes a notification whose signature the provider has checked: stores it as
   * received and applies it, at most once per provider event id. With `operatorId`, a
   * payment of another operator is unknown here (each operator has its own merchant keys).
   */
  async settle(provider: string, event: PaymentEvent, rawBody: string, signature: string | undefined, operatorId?: string) {
    const payment = await this.notifiedPayments.load(event.data.paymentId);
    if (!payment || payment.provider !== provider || (operatorId !== undefined && payment.operator_id !== operatorId)) {
      throw new DomainError('payment_not_found');
    }
    // Read outside the transaction: on SQLite the transaction holds the only connection.
    const operator = await this.catalog.operatorById(payment.operator_id);
    if (!operator) throw new Error(`operator ${payment.operator_id} of payment ${payment.id} is missing`);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const settled = await this.db.kysely.transaction().execute(async (trx): Promise<Settled> => {
      const stored = await recordPaymentEvent(trx, {
        provider,
        event_id: event.id,
        payment_id: payment.id,
        type: event.type,
        raw_body: rawBody,
        signature: signature ?? null,
        received_at: nowIso,
      });
      if (!stored) return { outcome: 'duplicate' };
      if (event.type === 'payment.pending') return { outcome: 'pending' };

      // The order's lock serialises everything that settles it; the payment row rides along.
      const { order, payment: current } = await lockOrderOfPayment(trx, this.db.dialect, payment.id);
      const update = (changes: Partial<PaymentRow>) => updatePayment(trx, payment.id, { ...changes, attempts: current.attempts + 1, updated_at: nowIso });

      // Money already settled on this payment: a later event changes nothing.
      if (current.status === 'succeeded' || current.status === 'mismatch' || current.status === 'refunded') return { outcome: 'already_settled' };
      if (event.type === 'payment.failed') {
        await update({ status: 'failed' });
        return { outcome: 'failed' };
      }
      const paid = { paid_amount: event.data.amount, paid_currency: event.data.currency };
      const payable = order.status === 'pending_payment' || order.status === 'expired' || order.status === 'cancelled';
      if (event.data.amount !== current.amount || event.data.currency !== current.currency) {
        await update({ ...paid, status: 'mismatch', flag: 'payment_mismatch' });
        if (!payable) return { outcome: 'mismatch' };
        await updateOrder(trx, order.id, { status: 'refund_pending', refund_reason: 'payment_mismatch', updated_at: nowIso });
        await this.refundPending(trx, order.operator_id, order.id, 'payment_mismatch', now);
        return { outcome: 'mismatch', refund: 'pending' };
      }
      if (!payable) {
        // The order was settled another way (refunded, say): keep the money visible for a refund.
        await update({ ...paid, status: 'succeeded', flag: 'order_not_payable' });
        return { outcome: 'not_payable' };
      }
      await update({ ...paid, status: 'succeeded' });
      const fulfilment = await fulfilOrder(trx, this.db.dialect, order, operator, this.clock);
      if (!fulfilment.fulfilled) {
        await this.refundPending(trx, order.operator_id, order.id, fulfilment.reason, now);
        return { outcome: 'succeeded', refund: 'pending' };
      }
      await this.receipts.within(trx, operator);
      return { outcome: 'succeeded', fulfilled: true };
    });
    this.count(provider, settled);
    if (settled.fulfilled) await this.receipts.after(operator);
    return { received: true as const, duplicate: settled.outcome === 'duplicate' };
  }

  /** Counts a notification's outcome once its transaction committed (an online payment: the online channel). */
  private count(provider: string, settled: Settled): void {
    this.metrics.paymentSettled(provider, settled.outcome);
    if (settled.fulfilled) this.metrics.renewed('online');
    if (settled.refund) this.metrics.refund('online', settled.refund);
  }

  private refundPending(trx: Kysely<Database>, operatorId: string, orderId: string, reason: string, now: Date) {
    return this.events.publish(trx, operatorId, 'order.refund_pending', { order: { id: orderId, status: 'refund_pending', refundReason: reason } }, now);
  }
}
