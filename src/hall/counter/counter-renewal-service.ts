/**
 * Renewal at the counter: the clerk finds the card (number and SIM serial, or the serial
 * alone from a barcode scanner), quotes a plan on the `counter` channel, and renews for cash
 * or a bank card. The renewal goes through the online renewal's own steps (pricing with
 * promotions and coupons, the order, fulfilment, receipt numbering, order events) in one
 * transaction that also records the counter payment, the ID check (type + last 4 only),
 * the ticket being served and the audit entry, and the answer under the Idempotency-Key.
 *
 * The counter room: this, and the invoices requested for its renewals (invoice-service.ts).
 */

import type { Kysely } from 'kysely';
import { todayIn } from '../../cards/calendar.js';
import { type CardRow, cardState, findLiveCard, findLiveCardByIccid, lockCard } from '../../cards/card-repository.js';
import { cardStatus, daysLeft, renew } from '../../cards/lifecycle.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { Operator } from '../../catalog/model.js';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Transact } from '../../guard/idempotency.js';
import { updatePayment } from '../../payments/payment-repository.js';
import type { BusinessMetrics } from '../../platform/metrics.js';
import type { ReceiptNumbering } from '../../receipts/receipt-numbering.js';
import { fulfilOrder } from '../../renewal/fulfilment.js';
import type { OrderRow } from '../../renewal/order-repository.js';
import type { Price } from '../../renewal/pricing.js';
import { isRenewalRefusal, type NewOrder, type RenewalService } from '../../renewal/renewal-service.js';
import type { Clock } from '../../shared/clock.js';
import { cardNotFound, DomainError } from '../../shared/errors.js';
import { iccidMatches } from '../../shared/iccid.js';
import { newId } from '../../shared/ids.js';
import { audit } from '../audit.js';
import type { BoardFeed } from '../board/board-feed.js';
import { type HallActor, staffOf } from '../hall-access.js';
import { findTicket, type TicketRow, updateTicket } from '../queue/ticket-repository.js';
import { insertCounterPayment, openShiftOf, type ShiftRow, shiftStillOpen } from '../shifts/shift-repository.js';
import { changeDue } from '../shifts/shift-rules.js';
import { recordIdCheck, renewedValidity } from './counter-renewal-repository.js';

export interface CardQuery {
  msisdn?: string | undefined;
  /** The full ICCID, or its last 6 digits together with the number. */
  iccid: string;
}

export interface CounterQuoteRequest extends CardQuery {
  plan: string;
  coupon?: string | undefined;
}

export type CounterPayment = { method: 'cash'; tendered: number } | { method: 'pos'; reference: string };

export interface CounterRenewalRequest extends CounterQuoteRequest {
  ticket?: string | undefined;
  idCheck: { documentType: string; last4: string };
  payment: CounterPayment;
}

export class CounterRenewalService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly renewal: RenewalService,
    private readonly clock: Clock,
    private readonly feed: BoardFeed,
    private readonly receipts: ReceiptNumbering,
    private readonly metrics: BusinessMetrics,
  ) {}

  /** The card of the staff member's operator the query names, or `card_not_found`. */
  private async card(actor: HallActor, query: CardQuery): Promise<{ card: CardRow; operator: Operator }> {
    const staff = staffOf(actor);
    let card: CardRow | undefined;
    if (query.msisdn !== undefined) {
      const found = await findLiveCard(this.db.kysely, query.msisdn);
      card = found && iccidMatches(found.iccid, query.iccid) ? found : undefined;
    } else {
      if (query.iccid.length < 19)
        throw new DomainError(
          'invalid_request',
          { 'zh-CN': '不填手机号码时，请填写完整的SIM卡序列号（19–20 位）。', en: 'Without the phone number, give the whole SIM serial (19–20 digits).' },
          { fields: ['/iccid'] },
        );
      card = await findLiveCardByIccid(this.db.kysely, query.iccid);
    }
    const operator = card ? await this.catalog.operatorById(card.operator_id) : undefined;
    if (!card || !operator || operator.id !== staff.operatorId) throw cardNotFound();
    return { card, operator };
  }

  /** The card as the clerk sees it (the whole number: the customer is at the counter) with the plans sold at the counter. */
  async find(actor: HallActor, query: CardQuery) {
    const { card, operator } = await this.card(actor, query);
    const today = todayIn(operator.timeZone, this.clock.now());
    const state = cardState(card);
    const status = cardStatus(state, today, operator);
    const plans = (await this.catalog.plansOf(operator.id)).filter((p) => p.active && p.channels.includes('counter'));
    return {
      card: {
        operator: operator.code,
        msisdn: card.msisdn,
        iccid: card.iccid,
        status,
        validUntil: card.valid_until,
        daysLeft: daysLeft(card.valid_until, today),
        renewable: status !== 'recycled' && status !== 'blocked',
      },
      plans: plans.flatMap((plan) => {
        const outcome = renew(state, [{ months: plan.months, days: plan.days }], today, operator);
        if (!outcome.ok) return [];
        return [
          {
            code: plan.code,
            name: plan.name,
            months: plan.months,
            days: plan.days,
            price: plan.price,
            currency: operator.currency,
            validUntilAfter: outcome.result.validUntil,
          },
        ];
      }),
    };
  }

  async quote(actor: HallActor, request: CounterQuoteRequest) {
    const { card, operator } = await this.card(actor, request);
    return this.renewal.quoteFor(card, operator, request.plan, request.coupon, 'counter');
  }

  async renew(actor: HallActor, request: CounterRenewalRequest, transact: Transact) {
    const shift = await openShiftOf(this.db.kysely, staffOf(actor).id);
    if (!shift)
      throw new DomainError('shift_not_open', {
        'zh-CN': '收款前请先开班（并登记备用金）。',
        en: 'Open a shift (with its cash float) before taking payments.',
      });
    const { card: found, operator } = await this.card(actor, request);
    const plan = await this.renewal.sellablePlan(operator, request.plan, 'counter');
    const rules = await this.catalog.promotionsOf(operator.id);
    const now = this.clock.now();
    const result = await transact(async (trx) => {
      if (!(await shiftStillOpen(trx, this.db.dialect, shift.id)))
        throw new DomainError('shift_not_open', { 'zh-CN': '您的班次刚刚已结班，请重新开班。', en: 'Your shift was closed meanwhile: open a new one.' });
      const ticket = await servedTicket(trx, request.ticket, shift.hall_id);
      const card = await lockCard(trx, this.db.dialect, found.id);
      const { price } = await this.renewal.price(trx, operator, plan, card, request.coupon, 'counter', now, rules, true);
      const tender = tenderOf(price.total, request.payment);
      const order = await this.paidOrder(trx, { card, operator, plan, price, coupon: request.coupon, channel: 'counter', provider: tender.method, now });
      const sale = { shift, order, ticket, tender, now };
      await recordAtCounter(trx, actor, sale, request.idCheck);
      await this.receipts.within(trx, operator);
      return { status: 201, body: await renewalAnswer(trx, sale, price, operator.currency) };
    });
    this.count(request.payment.method);
    await this.receipts.after(operator);
    if (request.ticket !== undefined) await this.feed.publish({ hallId: shift.hall_id });
    return result;
  }

  /** A renewal at the counter, once committed: its order, its payment (cash or POS) and the renewal itself. */
  private count(method: CounterPayment['method']): void {
    this.metrics.orderCreated('counter', method);
    this.metrics.paymentSettled(method, 'succeeded');
    this.metrics.renewed('counter');
  }

  /** Writes the order with its payment, taken at the counter, and fulfils it. */
  private async paidOrder(trx: Kysely<Database>, input: NewOrder): Promise<OrderRow> {
    const { price, operator, now } = input;
    const { order, payment } = await this.renewal.insertOrder(trx, input);
    const paid = { status: 'succeeded', paid_amount: price.total, paid_currency: operator.currency, attempts: 1, updated_at: now.toISOString() } as const;
    await updatePayment(trx, payment.id, paid);
    const fulfilment = await fulfilOrder(trx, this.db.dialect, order, operator, this.clock);
    // The price above already refused such a card; this is the card changing in between.
    if (!fulfilment.fulfilled) {
      const code = isRenewalRefusal(fulfilment.reason) ? fulfilment.reason : 'card_blocked';
      throw new DomainError(code, { 'zh-CN': '此卡目前不能续费。', en: 'This card cannot be renewed now.' });
    }
    return order;
  }
}

/** How the customer paid, as the answer shows it. */
interface Tender {
  method: CounterPayment['method'];
  tendered: number | null;
  change: number | null;
  reference: string | null;
}

/** A renewal at the counter as it is recorded: in the clerk's shift, serving a ticket or not. */
interface CounterSale {
  shift: ShiftRow;
  order: OrderRow;
  ticket: TicketRow | undefined;
  tender: Tender;
  now: Date;
}

/** The payment of `total`, with the change due on the cash tendered; `cash_insufficient` when it is short. */
function tenderOf(total: number, payment: CounterPayment): Tender {
  if (payment.method === 'pos') return { method: 'pos', tendered: null, change: null, reference: payment.reference };
  const change = changeDue(total, payment.tendered);
  if (change === undefined)
    throw new DomainError(
      'cash_insufficient',
      { 'zh-CN': '实收金额不足：应收 {total}，实收 {tendered}（以分计）。', en: 'The total is {total}; {tendered} was tendered (in minor units).' },
      { total, tendered: payment.tendered },
    );
  return { method: 'cash', tendered: payment.tendered, change, reference: null };
}

/** The ticket the renewal serves, if it names one: a ticket of the shift's hall, called to the counter or being served. */
async function servedTicket(trx: Kysely<Database>, ticketId: string | undefined, hallId: string): Promise<TicketRow | undefined> {
  if (ticketId === undefined) return undefined;
  const ticket = await findTicket(trx, ticketId);
  if (!ticket || ticket.hall_id !== hallId)
    throw new DomainError('ticket_not_found', { 'zh-CN': '本营业厅没有这个号码。', en: 'No ticket of this hall has this id.' });
  if (!(ticket.status === 'called' || ticket.status === 'serving'))
    throw new DomainError('ticket_state_invalid', {
      'zh-CN': '请为已叫到窗口的号码办理续费（或接待无号客户）。',
      en: 'Renew from a ticket that was called to the counter (or serve a walk-in).',
    });
  return ticket;
}

/** A counter payment's void columns while nobody asked for a void. */
const NO_VOID = { void_status: null, void_reason: null, void_requested_by: null, void_requested_at: null, voided_by: null, voided_at: null } as const;

/** What the hall keeps of a renewal: the payment in the shift, the ID check, the ticket now being served, the audit entry. */
async function recordAtCounter(trx: Kysely<Database>, actor: HallActor, sale: CounterSale, idCheck: CounterRenewalRequest['idCheck']): Promise<void> {
  const { shift, order, ticket, tender, now } = sale;
  const staffId = staffOf(actor).id;
  const at = now.toISOString();
  const ticketId = ticket?.id ?? null;
  await insertCounterPayment(trx, {
    order_id: order.id,
    shift_id: shift.id,
    hall_id: shift.hall_id,
    counter_id: shift.counter_id,
    staff_id: staffId,
    ticket_id: ticketId,
    method: tender.method,
    amount: order.total,
    tendered: tender.tendered,
    change_due: tender.change,
    pos_reference: tender.reference,
    created_at: at,
    ...NO_VOID,
  });
  const { documentType, last4 } = idCheck;
  await recordIdCheck(trx, { id: newId('idc'), order_id: order.id, ticket_id: ticketId, staff_id: staffId, document_type: documentType, last4, at });
  if (ticket?.status === 'called') await updateTicket(trx, ticket.id, { status: 'serving', started_at: at, updated_at: at });
  const detail = { plan: order.plan_code, total: order.total, method: tender.method, ticket: ticketId };
  await audit(trx, actor, actor.ip, { operatorId: order.operator_id, hallId: shift.hall_id, action: 'counter.renewal', subject: order.id, detail }, now);
}

/** The answer to a renewal, with the card's validity as fulfilled. */
async function renewalAnswer(trx: Kysely<Database>, sale: CounterSale, price: Price, currency: string) {
  const { order, tender } = sale;
  const after = await renewedValidity(trx, order.id);
  return {
    order: order.id,
    status: 'fulfilled' as const,
    plan: order.plan_code,
    listPrice: price.listPrice,
    discounts: price.discounts,
    bonus: price.bonus,
    total: price.total,
    currency,
    validUntilBefore: after.valid_until_before,
    validUntilAfter: after.valid_until_after,
    fulfilledAt: after.fulfilled_at,
    payment: tender,
    receiptPdfUrl: `/v1/console/orders/${order.id}/receipt.pdf`,
  };
}
