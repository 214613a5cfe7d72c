/**
 * Renewal at the counter: the clerk finds the card (number and SIM serial, or the serial
 * alone from a barcode scanner), quotes a plan on the `counter` channel, and renews for cash
 * or a bank card. The renewal goes through the online renewal's own steps (pricing with
 * promotions and coupons, the order, fulfilment, receipt numbering, order events) in one
 * transaction that also records the counter payment, the ID check (type + last 4 only),
 * the ticket being served and the audit entry, and the answer under the Idempotency-Key.
 */
import { todayIn } from '../cards/calendar.js';
import { type CardRow, cardState, findLiveCard, findLiveCardByIccid, lockCard } from '../cards/card-repository.js';
import { cardStatus, daysLeft, type RenewalRefusal, renew } from '../cards/lifecycle.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Transact } from '../guard/idempotency.js';
import type { ReceiptNumbering } from '../receipts/receipt-numbering.js';
import { fulfilOrder } from '../renewal/fulfilment.js';
import { type RenewalService, refusalMessages } from '../renewal/renewal-service.js';
import type { Clock } from '../shared/clock.js';
import { cardNotFound, DomainError } from '../shared/errors.js';
import { iccidMatches } from '../shared/iccid.js';
import { newId } from '../shared/ids.js';
import { audit } from './audit.js';
import type { BoardFeed } from './board-feed.js';
import { type HallActor, staffOf } from './hall-access.js';
import { openShiftOf } from './shift-repository.js';
import { changeDue } from './shift-rules.js';

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
        throw new DomainError('invalid_request', 'Without the phone number, give the whole SIM serial (19–20 digits).', { fields: ['/iccid'] });
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
    const staff = staffOf(actor);
    const shift = await openShiftOf(this.db.kysely, staff.id);
    if (!shift) throw new DomainError('shift_not_open', 'Open a shift (with its cash float) before taking payments.');
    const { card: found, operator } = await this.card(actor, request);
    const plan = await this.renewal.sellablePlan(operator, request.plan, 'counter');
    const rules = await this.catalog.promotionsOf(operator.id);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const result = await transact(async (trx) => {
      // A share lock on the shift's row: its close (FOR UPDATE) waits for the renewals under way
      // and cannot slip between this check and the payment; renewals do not wait for each other.
      const shiftRow = trx.selectFrom('counter_shifts').select('status').where('id', '=', shift.id);
      const stillOpen = await (this.db.dialect === 'postgres' ? shiftRow.forShare() : shiftRow).executeTakeFirst();
      if (stillOpen?.status !== 'open') throw new DomainError('shift_not_open', 'Your shift was closed meanwhile: open a new one.');
      const ticket =
        request.ticket === undefined ? undefined : await trx.selectFrom('hall_tickets').selectAll().where('id', '=', request.ticket).executeTakeFirst();
      if (request.ticket !== undefined && (!ticket || ticket.hall_id !== shift.hall_id))
        throw new DomainError('ticket_not_found', 'No ticket of this hall has this id.');
      if (ticket && !(ticket.status === 'called' || ticket.status === 'serving'))
        throw new DomainError('ticket_state_invalid', 'Renew from a ticket that was called to the counter (or serve a walk-in).');
      const card = await lockCard(trx, this.db.dialect, found.id);
      const { price } = await this.renewal.price(trx, operator, plan, card, request.coupon, 'counter', now, rules, true);
      const cash = request.payment.method === 'cash' ? request.payment.tendered : undefined;
      const change = cash === undefined ? null : changeDue(price.total, cash);
      if (change === undefined)
        throw new DomainError('cash_insufficient', `The total is ${price.total}; ${cash} was tendered.`, { total: price.total, tendered: cash });
      const { order } = await this.renewal.insertOrder(trx, {
        card,
        operator,
        plan,
        price,
        coupon: request.coupon,
        channel: 'counter',
        provider: request.payment.method,
        now,
      });
      await trx
        .updateTable('payments')
        .set({ status: 'succeeded', paid_amount: price.total, paid_currency: operator.currency, attempts: 1, updated_at: nowIso })
        .where('order_id', '=', order.id)
        .execute();
      const fulfilment = await fulfilOrder(trx, this.db.dialect, order, operator, this.clock);
      // The price above already refused such a card; this is the card changing in between.
      if (!fulfilment.fulfilled)
        throw new DomainError(
          fulfilment.reason in refusalMessages ? (fulfilment.reason as RenewalRefusal) : 'card_blocked',
          'This card cannot be renewed now.',
        );
      await trx
        .insertInto('counter_payments')
        .values({
          order_id: order.id,
          shift_id: shift.id,
          hall_id: shift.hall_id,
          counter_id: shift.counter_id,
          staff_id: staff.id,
          ticket_id: ticket?.id ?? null,
          method: request.payment.method,
          amount: price.total,
          tendered: cash ?? null,
          change_due: change,
          pos_reference: request.payment.method === 'pos' ? request.payment.reference : null,
          created_at: nowIso,
          void_status: null,
          void_reason: null,
          void_requested_by: null,
          void_requested_at: null,
          voided_by: null,
          voided_at: null,
        })
        .execute();
      await trx
        .insertInto('id_checks')
        .values({
          id: newId('idc'),
          order_id: order.id,
          ticket_id: ticket?.id ?? null,
          staff_id: staff.id,
          document_type: request.idCheck.documentType,
          last4: request.idCheck.last4,
          at: nowIso,
        })
        .execute();
      if (ticket?.status === 'called')
        await trx.updateTable('hall_tickets').set({ status: 'serving', started_at: nowIso, updated_at: nowIso }).where('id', '=', ticket.id).execute();
      await audit(
        trx,
        actor,
        actor.ip,
        {
          operatorId: operator.id,
          hallId: shift.hall_id,
          action: 'counter.renewal',
          subject: order.id,
          detail: { plan: plan.code, total: price.total, method: request.payment.method, ticket: ticket?.id ?? null },
        },
        now,
      );
      await this.receipts.within(trx, operator);
      const after = await trx
        .selectFrom('orders')
        .select(['valid_until_before', 'valid_until_after', 'fulfilled_at'])
        .where('id', '=', order.id)
        .executeTakeFirstOrThrow();
      return {
        status: 201,
        body: {
          order: order.id,
          status: 'fulfilled' as const,
          plan: plan.code,
          listPrice: price.listPrice,
          discounts: price.discounts,
          bonus: price.bonus,
          total: price.total,
          currency: operator.currency,
          validUntilBefore: after.valid_until_before,
          validUntilAfter: after.valid_until_after,
          fulfilledAt: after.fulfilled_at,
          payment: {
            method: request.payment.method,
            tendered: cash ?? null,
            change,
            reference: request.payment.method === 'pos' ? request.payment.reference : null,
          },
          receiptPdfUrl: `/v1/console/orders/${order.id}/receipt.pdf`,
        },
      };
    });
    await this.receipts.after(operator);
    if (request.ticket !== undefined) await this.feed.publish({ hallId: shift.hall_id });
    return result;
  }
}
