/**
 * Orders in the database: written pending with their payment, locked while a payment, a
 * cancellation or a refund settles them, listed for the operator, and the promotion
 * redemptions they reserve. Each function takes the Kysely instance or the transaction it
 * runs in.
 */
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import { before, newestFirst, type PagePosition } from '../db/newest-first.js';
import type { Database, OrderTable, PaymentTable } from '../db/schema.js';
import { unionAll } from '../db/union-all.js';

export type OrderRow = OrderTable;

export async function findOrderWithMsisdn(db: Kysely<Database>, id: string): Promise<{ order: OrderRow; msisdn: string } | undefined> {
  const row = await db
    .selectFrom('orders as o')
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .selectAll('o')
    .select('c.msisdn')
    .where('o.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { msisdn, ...order } = row;
  return { order: order as OrderRow, msisdn };
}

/** The order, locked until the transaction ends: whatever settles it serialises on this. */
export function lockOrder(db: Kysely<Database>, dialect: DialectName, id: string): Promise<OrderRow> {
  return forUpdate(dialect, db.selectFrom('orders').selectAll().where('id', '=', id)).executeTakeFirstOrThrow();
}

/** What a cancellation checks of the order, locked like `lockOrder`; undefined for no such order. */
export function lockOrderState(db: Kysely<Database>, dialect: DialectName, id: string) {
  return forUpdate(dialect, db.selectFrom('orders').select(['status', 'expires_at', 'operator_id']).where('id', '=', id)).executeTakeFirst();
}

export async function updateOrder(db: Kysely<Database>, id: string, changes: Partial<OrderRow>): Promise<void> {
  await db.updateTable('orders').set(changes).where('id', '=', id).execute();
}

/** Writes a new order with its first payment. */
export async function insertOrderWithPayment(db: Kysely<Database>, order: OrderRow, payment: PaymentTable): Promise<void> {
  await db.insertInto('orders').values(order).execute();
  await db.insertInto('payments').values(payment).execute();
}

/** Stores `expired` on unpaid orders past their time; returns how many. */
export async function expireOverdueOrders(db: Kysely<Database>, now: string): Promise<number> {
  const result = await db
    .updateTable('orders')
    .set({ status: 'expired', updated_at: now })
    .where('status', '=', 'pending_payment')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Was another renewal of the order's card fulfilled after it? */
export async function hasLaterFulfilment(db: Kysely<Database>, order: OrderRow): Promise<boolean> {
  const later = await db
    .selectFrom('orders')
    .select('id')
    .where('card_id', '=', order.card_id)
    .where('id', '!=', order.id)
    .where('status', '=', 'fulfilled')
    .where('fulfilled_at', '>', order.fulfilled_at ?? '')
    .executeTakeFirst();
  return later !== undefined;
}

/** The card's last 100 orders, newest first, as the operator's card view shows them. */
export function ordersOfCard(db: Kysely<Database>, cardId: string) {
  return db
    .selectFrom('orders')
    .select([
      'id',
      'status',
      'plan_code',
      'channel',
      'total',
      'currency',
      'created_at',
      'fulfilled_at',
      'valid_until_before',
      'valid_until_after',
      'receipt_number',
      'expires_at',
    ])
    .where('card_id', '=', cardId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
}

/** Which orders a list page shows. */
export interface OrderFilter {
  status?: OrderRow['status'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * The ids of up to `limit` orders, newest first, before `position`: of each operator in
 * `scopes` (read in the order of `orders_operator_created` and merged), or of every operator
 * for an `undefined` scope. An unpaid order past its time counts as `expired`.
 */
export function newestOrderIds(
  db: Kysely<Database>,
  scopes: readonly (string | undefined)[],
  filter: OrderFilter,
  position: PagePosition | undefined,
  limit: number,
  now: string,
): Promise<{ id: string; created_at: string }[]> {
  const branches = scopes.map((id) => {
    let q = db.selectFrom('orders').select(['id', 'created_at']);
    if (id) q = q.where('operator_id', '=', id);
    if (filter.status === 'expired')
      q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending_payment'), eb('expires_at', '<=', now)])]));
    else if (filter.status === 'pending_payment') q = q.where('status', '=', 'pending_payment').where('expires_at', '>', now);
    else if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.from) q = q.where('created_at', '>=', filter.from);
    if (filter.to) q = q.where('created_at', '<', filter.to);
    return position ? q.where(before('created_at', 'id', position)) : q;
  });
  return newestFirst(db, branches, limit);
}

/** The orders with what the list shows of each, newest first. */
export async function listedOrders(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('orders as o')
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .innerJoin('operators as op', 'op.id', 'o.operator_id')
    .select([
      'o.id',
      'o.status',
      'o.expires_at',
      'o.plan_code',
      'o.channel',
      'o.total',
      'o.currency',
      'o.created_at',
      'o.fulfilled_at',
      'o.receipt_number',
      'o.valid_until_after',
      'c.msisdn',
      'op.code as operator',
    ])
    .where('o.id', 'in', ids)
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .execute();
}

/** The promotions with their current usage, overall and by this card. */
export interface Usage {
  used: number;
  usedByCard: number;
}

/**
 * Redemptions held now (by fulfilled orders, and pending orders not yet expired): the total
 * of each promotion in `totals`, and the card's own of each in `byCard`, in one statement.
 * A card's count reads only that card's redemptions (`redemptions_card`); a total reads
 * every redemption the promotion ever had, so it is asked only where a total limit needs it.
 */
export async function redemptionUsage(
  db: Kysely<Database>,
  totals: readonly string[],
  byCard: { cardId: string; promotionIds: readonly string[] } | null,
  now: Date,
): Promise<Map<string, Usage>> {
  const held = () =>
    db
      .selectFrom('redemptions as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .where((eb) => eb.or([eb('o.status', '=', 'fulfilled'), eb.and([eb('o.status', '=', 'pending_payment'), eb('o.expires_at', '>', now.toISOString())])]))
      .groupBy('r.promotion_id');
  const parts = [];
  if (totals.length > 0) {
    parts.push(
      held()
        .select((eb) => ['r.promotion_id', eb.fn.countAll<number>().as('used'), sql<number>`0`.as('by_card')])
        .where('r.promotion_id', 'in', totals),
    );
  }
  if (byCard && byCard.promotionIds.length > 0) {
    parts.push(
      held()
        .select((eb) => ['r.promotion_id', sql<number>`0`.as('used'), eb.fn.countAll<number>().as('by_card')])
        .where('r.promotion_id', 'in', byCard.promotionIds)
        .where('r.card_id', '=', byCard.cardId),
    );
  }
  const rows = (await unionAll(parts)?.execute()) ?? [];
  const usage = new Map<string, Usage>();
  for (const row of rows) {
    const current = usage.get(row.promotion_id) ?? { used: 0, usedByCard: 0 };
    usage.set(row.promotion_id, { used: current.used + Number(row.used), usedByCard: current.usedByCard + Number(row.by_card) });
  }
  return usage;
}

/** Reserves a redemption of each promotion for the order (see redemptions.ts). */
export async function reserveRedemptions(db: Kysely<Database>, promotionIds: string[], orderId: string, cardId: string, now: string): Promise<void> {
  if (promotionIds.length === 0) return;
  await db
    .insertInto('redemptions')
    .values(promotionIds.map((promotion_id) => ({ promotion_id, order_id: orderId, card_id: cardId, created_at: now })))
    .execute();
}
