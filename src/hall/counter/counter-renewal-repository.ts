/**
 * What a counter renewal writes of its own, the ID check, and what the hall reads of its
 * renewals' orders: the validity a renewal answers with, the state a void answers with, and
 * what an invoice request copies. The orders themselves are order-repository.ts's; these
 * reads stay here until it takes them. Each function takes the Kysely instance or the
 * transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { IdCheckTable } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';

const order = (db: Kysely<Database>, id: string) => db.selectFrom('orders').where('id', '=', id);

/** Records the ID check of a renewal (the document's type and last 4 characters only). */
export async function recordIdCheck(db: Kysely<Database>, row: IdCheckTable): Promise<void> {
  await db.insertInto('id_checks').values(row).execute();
}

/** The card's validity before and after a fulfilled renewal, and when it was fulfilled. */
export function renewedValidity(db: Kysely<Database>, orderId: string) {
  return order(db, orderId).select(['valid_until_before', 'valid_until_after', 'fulfilled_at']).executeTakeFirstOrThrow();
}

/** The order's status with the card's validity before and after it. */
export function voidedOrderState(db: Kysely<Database>, orderId: string) {
  return order(db, orderId).select(['status', 'valid_until_before', 'valid_until_after']).executeTakeFirstOrThrow();
}

/** What an invoice request takes from its order. */
export function invoicedOrder(db: Kysely<Database>, orderId: string) {
  return order(db, orderId).select(['status', 'total', 'currency', 'operator_id']).executeTakeFirstOrThrow();
}
