/**
 * Fulfilment: what a successful payment does, inside the payment's transaction. The card
 * is extended from its status at this moment (not at the quote), the receipt takes the
 * next gap-free number of the operator's year, and the order becomes `fulfilled`; when the
 * card can no longer be renewed, the money goes to `refund_pending` instead.
 */
import type { Kysely } from 'kysely';
import type { Period } from '../cards/calendar.js';
import { todayIn, yearIn } from '../cards/calendar.js';
import { cardState, lockCard, recordCardEvent, updateCard } from '../cards/card-repository.js';
import { renew } from '../cards/lifecycle.js';
import type { Operator } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import type { Database, OrderTable } from '../db/schema.js';
import { formatReceiptNumber } from '../receipts/receipt-number.js';

export function orderPeriods(order: Pick<OrderTable, 'period_months' | 'period_days' | 'bonus_months' | 'bonus_days'>): Period[] {
  const periods: Period[] = [{ months: order.period_months, days: order.period_days }];
  if (order.bonus_months > 0 || order.bonus_days > 0) periods.push({ months: order.bonus_months, days: order.bonus_days });
  return periods;
}

export type FulfilmentResult = { fulfilled: true; receiptNumber: string } | { fulfilled: false; reason: string };

export async function fulfilOrder(trx: Kysely<Database>, dialect: DialectName, order: OrderTable, operator: Operator, now: Date): Promise<FulfilmentResult> {
  const nowIso = now.toISOString();
  const card = await lockCard(trx, dialect, order.card_id);
  const today = todayIn(operator.timeZone, now);
  const outcome = card.retired_at === null ? renew(cardState(card), orderPeriods(order), today, operator) : ({ ok: false, reason: 'card_recycled' } as const);
  if (!outcome.ok) {
    await trx.updateTable('orders').set({ status: 'refund_pending', refund_reason: outcome.reason, updated_at: nowIso }).where('id', '=', order.id).execute();
    return { fulfilled: false, reason: outcome.reason };
  }
  await updateCard(trx, card.id, { valid_until: outcome.result.validUntil, anchor_day: outcome.result.anchorDay, updated_at: nowIso });
  await recordCardEvent(trx, card.id, 'renewed', nowIso, {
    order: order.id,
    from: card.valid_until,
    to: outcome.result.validUntil,
    restarted: outcome.restarted,
  });
  const receiptNumber = await issueReceipt(trx, order, operator, now);
  await trx
    .updateTable('orders')
    .set({
      status: 'fulfilled',
      fulfilled_at: nowIso,
      valid_until_before: card.valid_until,
      valid_until_after: outcome.result.validUntil,
      anchor_day_before: card.anchor_day,
      receipt_number: receiptNumber,
      updated_at: nowIso,
    })
    .where('id', '=', order.id)
    .execute();
  return { fulfilled: true, receiptNumber };
}

/** Takes the operator's next receipt number for the year; the row lock keeps it gap-free. */
async function issueReceipt(trx: Kysely<Database>, order: OrderTable, operator: Operator, now: Date): Promise<string> {
  const year = yearIn(operator.timeZone, now);
  const { last_value: sequence } = await trx
    .insertInto('receipt_sequences')
    .values({ operator_id: operator.id, year, last_value: 1 })
    .onConflict((oc) => oc.columns(['operator_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('receipt_sequences.last_value', '+', 1) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  const number = formatReceiptNumber(operator.code, year, sequence);
  await trx.insertInto('receipts').values({ number, operator_id: operator.id, order_id: order.id, year, sequence, issued_at: now.toISOString() }).execute();
  return number;
}
