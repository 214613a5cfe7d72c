/**
 * Receipt numbering, gap-free per operator and year, in fulfilment order. On PostgreSQL it
 * runs right after a fulfilment commits, in its own short transaction that numbers every
 * fulfilled order still without a number, so concurrent fulfilments never wait on each
 * other's commits: they are numbered in batches, one numberer per operator at a time. On
 * SQLite, whose writers are serial anyway, the fulfilment numbers its receipt in its own
 * transaction. Either way a number is only ever taken by a committed fulfilment, so none
 * is lost to a rollback.
 */
import type { Kysely } from 'kysely';
import { yearIn } from '../cards/calendar.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import { lockForOperator } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { formatReceiptNumber } from './receipt-number.js';

const BATCH = 1000;

interface Unnumbered {
  id: string;
  fulfilled_at: string;
}

function unnumbered(db: Kysely<Database>, operatorId: string): Promise<Unnumbered[]> {
  return (
    db
      .selectFrom('orders')
      .select(['id', 'fulfilled_at as fulfilled_at'])
      .where('operator_id', '=', operatorId)
      .where('receipt_number', 'is', null)
      .where('fulfilled_at', 'is not', null)
      .orderBy('fulfilled_at')
      // Renewals of one card in the same millisecond: the later extension ends later.
      .orderBy('valid_until_after')
      .orderBy('id')
      .limit(BATCH)
      .execute() as Promise<Unnumbered[]>
  );
}

/**
 * Numbers the operator's fulfilled orders that have no receipt yet, a batch at a time;
 * returns how many. With `wait: false` it returns at once when another numberer holds the
 * operator's lock. A fulfilment committed while a numberer was finishing is numbered by the
 * next fulfilment, the next read of the order, or the sweeper, whichever comes first.
 */
export async function numberReceipts(db: Db, operator: Operator, options: { wait: boolean } = { wait: true }): Promise<number> {
  let numbered = 0;
  for (;;) {
    const batch = await db.kysely.transaction().execute(async (trx) => {
      if (!(await lockForOperator(trx, db.dialect, `receipts:${operator.id}`, options.wait))) return 0;
      return numberPending(trx, operator);
    });
    numbered += batch;
    if (batch < BATCH) return numbered;
  }
}

/**
 * Numbers up to one batch of the operator's unnumbered fulfilled orders inside the caller's
 * transaction, which must hold the operator's numbering lock (on SQLite, any transaction does).
 */
export async function numberPending(trx: Kysely<Database>, operator: Operator): Promise<number> {
  const orders = await unnumbered(trx, operator.id);
  const byYear = new Map<number, Unnumbered[]>();
  for (const order of orders) {
    const year = yearIn(operator.timeZone, new Date(order.fulfilled_at));
    byYear.set(year, [...(byYear.get(year) ?? []), order]);
  }
  for (const [year, orders] of [...byYear].sort(([a], [b]) => a - b)) await numberYear(trx, operator, year, orders);
  return orders.length;
}

async function numberYear(trx: Kysely<Database>, operator: Operator, year: number, batch: Unnumbered[]): Promise<void> {
  const { last_value: last } = await trx
    .insertInto('receipt_sequences')
    .values({ operator_id: operator.id, year, last_value: batch.length })
    .onConflict((oc) => oc.columns(['operator_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('receipt_sequences.last_value', '+', batch.length) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  const first = last - batch.length + 1;
  const receipts = batch.map((order, i) => ({
    number: formatReceiptNumber(operator.code, year, first + i),
    operator_id: operator.id,
    order_id: order.id,
    year,
    sequence: first + i,
    issued_at: order.fulfilled_at,
  }));
  await trx.insertInto('receipts').values(receipts).execute();
  await trx
    .updateTable('orders')
    .set((eb) => ({ receipt_number: eb.selectFrom('receipts').select('receipts.number').whereRef('receipts.order_id', '=', 'orders.id') }))
    .where(
      'id',
      'in',
      receipts.map((r) => r.order_id),
    )
    .execute();
}
