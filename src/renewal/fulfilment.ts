/**
 * Fulfilment: what a successful payment does, inside the payment's transaction. The card
 * is extended from its status at this moment (not at the quote) and the order becomes
 * `fulfilled`; when the card can no longer be renewed, the money goes to `refund_pending`
 * instead. The order is the record of the renewal (validity before and after); the receipt
 * number is given in the same transaction or right after it (receipt-numbering.ts).
 */
import type { Kysely } from 'kysely';
import type { Period } from '../cards/calendar.js';
import { todayIn } from '../cards/calendar.js';
import { cardState, lockCard, updateCard } from '../cards/card-repository.js';
import { renew } from '../cards/lifecycle.js';
import type { Operator } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import type { Database, OrderTable } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { updateOrder } from './order-repository.js';

export function orderPeriods(order: Pick<OrderTable, 'period_months' | 'period_days' | 'bonus_months' | 'bonus_days'>): Period[] {
  const periods: Period[] = [{ months: order.period_months, days: order.period_days }];
  if (order.bonus_months > 0 || order.bonus_days > 0) periods.push({ months: order.bonus_months, days: order.bonus_days });
  return periods;
}

export type FulfilmentResult = { fulfilled: true } | { fulfilled: false; reason: string };

export async function fulfilOrder(trx: Kysely<Database>, dialect: DialectName, order: OrderTable, operator: Operator, clock: Clock): Promise<FulfilmentResult> {
  const card = await lockCard(trx, dialect, order.card_id);
  // The time is read once the card is ours, so the renewals of one card are stamped (and
  // their receipts numbered) in the order they extended it.
  const now = clock.now();
  const nowIso = now.toISOString();
  const today = todayIn(operator.timeZone, now);
  const outcome = card.retired_at === null ? renew(cardState(card), orderPeriods(order), today, operator) : ({ ok: false, reason: 'card_recycled' } as const);
  if (!outcome.ok) {
    await updateOrder(trx, order.id, { status: 'refund_pending', refund_reason: outcome.reason, updated_at: nowIso });
    return { fulfilled: false, reason: outcome.reason };
  }
  await updateCard(trx, card.id, { valid_until: outcome.result.validUntil, anchor_day: outcome.result.anchorDay, updated_at: nowIso });
  await updateOrder(trx, order.id, {
    status: 'fulfilled',
    fulfilled_at: nowIso,
    valid_until_before: card.valid_until,
    valid_until_after: outcome.result.validUntil,
    anchor_day_before: card.anchor_day,
    updated_at: nowIso,
  });
  return { fulfilled: true };
}
