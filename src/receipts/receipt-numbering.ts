/**
 * Receipt numbering, gap-free per operator and year, in fulfilment order. On PostgreSQL it
 * runs right after a fulfilment commits, in its own short transaction that numbers every
 * fulfilled order still without a number, so concurrent fulfilments never wait on each
 * other's commits: they are numbered in batches, one numberer per operator at a time (and
 * one run at a time per process, see `ReceiptNumbering`). On
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
import { Coalescer } from '../shared/coalescer.js';
import type { EventPublisher } from '../webhooks/events.js';
import { formatReceiptNumber } from './receipt-number.js';
import { issueReceipts, takeReceiptSequence, type Unnumbered, unnumberedOrders } from './receipt-repository.js';

const BATCH = 1000;

/**
 * Numbers the operator's fulfilled orders that have no receipt yet, a batch at a time;
 * returns how many. With `wait: false` it returns at once when another numberer holds the
 * operator's lock. A fulfilment committed while a numberer was finishing is numbered by the
 * next fulfilment, the next read of the order, or the sweeper, whichever comes first.
 */
export async function numberReceipts(db: Db, operator: Operator, events: EventPublisher, options: { wait: boolean } = { wait: true }): Promise<number> {
  let numbered = 0;
  for (;;) {
    const batch = await db.kysely.transaction().execute(async (trx) => {
      if (!(await lockForOperator(trx, db.dialect, `receipts:${operator.id}`, options.wait))) return 0;
      return numberPending(trx, operator, events);
    });
    numbered += batch;
    if (batch < BATCH) return numbered;
  }
}

/**
 * Where a fulfilment's receipt gets its number: `within` its transaction on SQLite, `after`
 * its commit on PostgreSQL. After a commit, numbering runs once at a time per process: the
 * fulfilments that commit while a run goes wait for the next run, which numbers them all
 * (one transaction for many fulfilments, instead of one each that mostly finds the lock taken).
 */
export class ReceiptNumbering {
  private readonly runs = new Coalescer<Operator, void>(async (operators) => {
    const distinct = new Map(operators.map((operator) => [operator.id, operator]));
    for (const operator of distinct.values()) await numberReceipts(this.db, operator, this.events, { wait: false });
    return operators.map(() => undefined);
  });

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
  ) {}

  /** Inside a fulfilment's transaction: numbers its receipt there on SQLite, whose writers are serial anyway. */
  async within(trx: Kysely<Database>, operator: Operator): Promise<void> {
    if (this.db.dialect === 'sqlite') await numberPending(trx, operator, this.events);
  }

  /** After a fulfilment committed: on PostgreSQL, numbers it by a run that starts after the commit. */
  async after(operator: Operator): Promise<void> {
    if (this.db.dialect === 'postgres') await this.runs.load(operator);
  }
}

/**
 * Numbers up to one batch of the operator's unnumbered fulfilled orders inside the caller's
 * transaction, which must hold the operator's numbering lock (on SQLite, any transaction does).
 */
export async function numberPending(trx: Kysely<Database>, operator: Operator, events: EventPublisher): Promise<number> {
  const orders = await unnumberedOrders(trx, operator.id, BATCH);
  const byYear = new Map<number, Unnumbered[]>();
  for (const order of orders) {
    const year = yearIn(operator.timeZone, new Date(order.fulfilled_at));
    byYear.set(year, [...(byYear.get(year) ?? []), order]);
  }
  for (const [year, orders] of [...byYear].sort(([a], [b]) => a - b)) {
    const numbers = await numberYear(trx, operator, year, orders);
    // Integrations hear of a fulfilment once its receipt exists.
    await events.publishAll(
      trx,
      operator.id,
      'order.fulfilled',
      orders.map((order, i) => ({ data: fulfilledEvent(order, numbers[i] ?? ''), at: new Date(order.fulfilled_at) })),
    );
  }
  return orders.length;
}

function fulfilledEvent(order: Unnumbered, receipt: string) {
  return {
    order: {
      id: order.id,
      status: 'fulfilled',
      plan: order.plan_code,
      channel: order.channel,
      total: order.total,
      currency: order.currency,
      validUntilBefore: order.valid_until_before,
      validUntilAfter: order.valid_until_after,
      fulfilledAt: order.fulfilled_at,
      receipt,
    },
    card: { id: order.card_id, msisdn: order.msisdn },
  };
}

async function numberYear(trx: Kysely<Database>, operator: Operator, year: number, batch: Unnumbered[]): Promise<string[]> {
  const last = await takeReceiptSequence(trx, operator.id, year, batch.length);
  const first = last - batch.length + 1;
  const receipts = batch.map((order, i) => ({
    number: formatReceiptNumber(operator.code, year, first + i),
    operator_id: operator.id,
    order_id: order.id,
    year,
    sequence: first + i,
    issued_at: order.fulfilled_at,
  }));
  await issueReceipts(trx, receipts);
  return receipts.map((r) => r.number);
}
