/**
 * What the hall reads of its counter renewals' orders. The orders themselves are
 * order-repository.ts's; these reads stay here until it takes them. Each function takes the
 * Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const order = (db: Kysely<Database>, id: string) => db.selectFrom('orders').where('id', '=', id);

/** The order's status with the card's validity before and after it. */
export function voidedOrderState(db: Kysely<Database>, orderId: string) {
  return order(db, orderId).select(['status', 'valid_until_before', 'valid_until_after']).executeTakeFirstOrThrow();
}

/** What an invoice request takes from its order. */
export function invoicedOrder(db: Kysely<Database>, orderId: string) {
  return order(db, orderId).select(['status', 'total', 'currency', 'operator_id']).executeTakeFirstOrThrow();
}
