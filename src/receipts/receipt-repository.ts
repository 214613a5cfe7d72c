/**
 * Receipts in the database: the per-operator, per-year sequences, the receipts given to
 * fulfilled orders (and the number stamped on each order), the orders still awaiting one,
 * and a receipt looked up by its number. Each function takes the Kysely instance or the
 * transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { Database, ReceiptTable } from '../db/schema.js';

export type ReceiptRow = ReceiptTable;

/** A fulfilled order without a receipt number, with what its `order.fulfilled` event tells. */
export interface Unnumbered {
  id: string;
  fulfilled_at: string;
  card_id: string;
  msisdn: string;
  plan_code: string;
  channel: string;
  total: number;
  currency: string;
  valid_until_before: string | null;
  valid_until_after: string | null;
}

/** Up to `limit` of the operator's fulfilled orders without a receipt, in fulfilment order. */
export function unnumberedOrders(db: Kysely<Database>, operatorId: string, limit: number): Promise<Unnumbered[]> {
  return (
    db
      .selectFrom('orders as o')
      .innerJoin('cards as c', 'c.id', 'o.card_id')
      .select([
        'o.id',
        'o.fulfilled_at as fulfilled_at',
        'o.card_id',
        'c.msisdn',
        'o.plan_code',
        'o.channel',
        'o.total',
        'o.currency',
        'o.valid_until_before',
        'o.valid_until_after',
      ])
      .where('o.operator_id', '=', operatorId)
      .where('o.receipt_number', 'is', null)
      .where('o.fulfilled_at', 'is not', null)
      .orderBy('o.fulfilled_at')
      // Renewals of one card in the same millisecond: the later extension ends later.
      .orderBy('o.valid_until_after')
      .orderBy('o.id')
      .limit(limit)
      .execute() as Promise<Unnumbered[]>
  );
}

/** The operators with fulfilled orders still awaiting a receipt number. */
export async function operatorsAwaitingReceipts(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('operator_id')
    .distinct()
    .where('receipt_number', 'is', null)
    .where('fulfilled_at', 'is not', null)
    .execute();
  return rows.map((row) => row.operator_id);
}

/** Takes the next `count` numbers of the operator's sequence for the year; returns the last one taken. */
export async function takeReceiptSequence(db: Kysely<Database>, operatorId: string, year: number, count: number): Promise<number> {
  const { last_value: last } = await db
    .insertInto('receipt_sequences')
    .values({ operator_id: operatorId, year, last_value: count })
    .onConflict((oc) => oc.columns(['operator_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('receipt_sequences.last_value', '+', count) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return last;
}

/** Writes the receipts and stamps each one's number on its order. */
export async function issueReceipts(db: Kysely<Database>, receipts: readonly ReceiptRow[]): Promise<void> {
  await db.insertInto('receipts').values(receipts).execute();
  await db
    .updateTable('orders')
    .set((eb) => ({ receipt_number: eb.selectFrom('receipts').select('receipts.number').whereRef('receipts.order_id', '=', 'orders.id') }))
    .where(
      'id',
      'in',
      receipts.map((r) => r.order_id),
    )
    .execute();
}

/** The order a receipt number was given to, with the card's number. */
export function orderOfReceipt(db: Kysely<Database>, number: string): Promise<{ id: string; msisdn: string } | undefined> {
  return db
    .selectFrom('receipts as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .select(['o.id', 'c.msisdn'])
    .where('r.number', '=', number)
    .executeTakeFirst();
}

/** What a public verification of the receipt shows: the receipt, its order, card and plan. */
export function receiptRecord(db: Kysely<Database>, number: string) {
  return db
    .selectFrom('receipts as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .innerJoin('plans as p', 'p.id', 'o.plan_id')
    .select([
      'r.number',
      'r.issued_at',
      'o.operator_id',
      'o.plan_code',
      'o.total',
      'o.currency',
      'o.valid_until_after',
      'o.status',
      'c.msisdn',
      'p.name_zh',
      'p.name_en',
    ])
    .where('r.number', '=', number)
    .executeTakeFirst();
}
