/**
 * Payments in the database, the payment side of the orders aggregate (an order is written
 * with its payment, order-repository.ts): found for a checkout or a notification, the
 * provider events stored as received, settled under the order's lock, and refunded. Each
 * function takes the Kysely instance or the transaction it runs in.
 */
import { type Kysely, sql } from 'kysely';
import type { Db, DialectName } from '../db/database.js';
import { forUpdate, leftJoinOne, readEach } from '../db/dialect.js';
import type { Database, PaymentEventTable, PaymentTable } from '../db/schema.js';

export type PaymentRow = PaymentTable;

/** The payment with its provider and its order's operator, as a notification needs them. */
export interface NotifiedPayment {
  id: string;
  provider: string;
  operator_id: string;
}

export function findPayment(db: Kysely<Database>, id: string, provider: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).where('provider', '=', provider).executeTakeFirst();
}

export function latestPaymentOf(db: Kysely<Database>, orderId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('created_at', 'desc').executeTakeFirst();
}

/** The payments of the ids, in their order (undefined for an unknown id), in one statement. */
export async function notifiedPayments(db: Db, ids: readonly string[]): Promise<(NotifiedPayment | undefined)[]> {
  const rows = await readEach(
    db,
    ids.map((id) => ({ id })),
    { id: 'text' },
    (q) => sql<{ i: number; id: string | null; provider: string; operator_id: string }>`
      select q.i, p.id, p.provider, o.operator_id
      from ${q} ${leftJoinOne(db.dialect, 'payments', 'p', sql`p.id = q.id`)}
      left join orders as o on o.id = p.order_id`,
  );
  return rows.map(({ id, ...payment }) => (id === null ? undefined : { id, ...payment }));
}

/** Stores a provider's event as received; false when the provider's event id was stored before. */
export async function recordPaymentEvent(db: Kysely<Database>, event: PaymentEventTable): Promise<boolean> {
  const stored = await db
    .insertInto('payment_events')
    .values(event)
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(stored.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * The payment's order, locked until the transaction ends (the order's lock serialises
 * everything that settles it), and the payment as it stands, read along.
 */
export async function lockOrderOfPayment(db: Kysely<Database>, dialect: DialectName, paymentId: string) {
  const { payment_status, payment_amount, payment_currency, payment_attempts, ...order } = await forUpdate(
    dialect,
    db
      .selectFrom('orders as o')
      .innerJoin('payments as p', 'p.order_id', 'o.id')
      .selectAll('o')
      .select(['p.status as payment_status', 'p.amount as payment_amount', 'p.currency as payment_currency', 'p.attempts as payment_attempts'])
      .where('p.id', '=', paymentId),
    'o',
  ).executeTakeFirstOrThrow();
  const payment = { status: payment_status, amount: payment_amount, currency: payment_currency, attempts: payment_attempts };
  return { order, payment };
}

export async function updatePayment(db: Kysely<Database>, id: string, changes: Partial<PaymentRow>): Promise<void> {
  await db.updateTable('payments').set(changes).where('id', '=', id).execute();
}

/** Marks the order's settled payments refunded. */
export async function refundPayments(db: Kysely<Database>, orderId: string, now: string): Promise<void> {
  await db
    .updateTable('payments')
    .set({ status: 'refunded', updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', 'in', ['succeeded', 'mismatch'])
    .execute();
}
