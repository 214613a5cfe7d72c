/**
 * Cash shifts in the database: a clerk's shift at a counter, opened, locked while it closes
 * or a renewal or a void checks it, and approved; the counter payments taken in it (its cash
 * movements); and the voids of those payments. Each function takes the Kysely instance or
 * the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.js';
import { forShare, forUpdate } from '../../db/dialect.js';
import type { CounterPaymentTable, CounterShiftTable } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';

export type ShiftRow = CounterShiftTable;
export type CounterPaymentRow = CounterPaymentTable;

/** A shift with the names of the clerk who opened it, as every shift answer shows them. */
export type ShiftWithClerk = ShiftRow & { clerk_username: string; clerk_display_name: string };

/** The staff member's open shift (one at most: `counter_shifts_open`). */
const openShiftsOf = (db: Kysely<Database>, staffId: string) => db.selectFrom('counter_shifts').where('staff_id', '=', staffId).where('status', '=', 'open');

export function openShiftOf(db: Kysely<Database>, staffId: string): Promise<ShiftRow | undefined> {
  return openShiftsOf(db, staffId).selectAll().executeTakeFirst();
}

/** What the console shows of the staff member's open shift. */
export function openShiftSummary(db: Kysely<Database>, staffId: string) {
  return openShiftsOf(db, staffId).select(['id', 'counter_id', 'float', 'opened_at']).executeTakeFirst();
}

function shiftsWithClerk(db: Kysely<Database>) {
  return db
    .selectFrom('counter_shifts as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .selectAll('s')
    .select(['st.username as clerk_username', 'st.display_name as clerk_display_name']);
}

export function shiftWithClerk(db: Kysely<Database>, id: string): Promise<ShiftWithClerk | undefined> {
  return shiftsWithClerk(db).where('s.id', '=', id).executeTakeFirst();
}

/** The hall's last 200 shifts (of one status, when given), newest first. */
export function shiftsOfHall(db: Kysely<Database>, hallId: string, status: ShiftRow['status'] | undefined): Promise<ShiftWithClerk[]> {
  let q = shiftsWithClerk(db).where('s.hall_id', '=', hallId).orderBy('s.opened_at', 'desc').limit(200);
  if (status) q = q.where('s.status', '=', status);
  return q.execute();
}

export async function insertShift(db: Kysely<Database>, row: ShiftRow): Promise<void> {
  await db.insertInto('counter_shifts').values(row).execute();
}

/** The shift, locked until the transaction ends (its close, and the voids within it, serialise on this). */
export function lockShift(db: Kysely<Database>, dialect: DialectName, id: string): Promise<ShiftRow | undefined> {
  return forUpdate(dialect, db.selectFrom('counter_shifts').selectAll().where('id', '=', id)).executeTakeFirst();
}

/**
 * Whether the shift is open, with a share lock on its row until the transaction ends: its
 * close (`lockShift`) waits for the renewals under way and cannot slip between this check
 * and their payments, while renewals do not wait for each other.
 */
export async function shiftStillOpen(db: Kysely<Database>, dialect: DialectName, id: string): Promise<boolean> {
  const shift = await forShare(dialect, db.selectFrom('counter_shifts').select('status').where('id', '=', id)).executeTakeFirst();
  return shift?.status === 'open';
}

export async function updateShift(db: Kysely<Database>, id: string, changes: Partial<ShiftRow>): Promise<void> {
  await db.updateTable('counter_shifts').set(changes).where('id', '=', id).execute();
}

/** Approves the shift's cash difference; false when no difference of the shift waits for approval. */
export async function approveShift(db: Kysely<Database>, id: string, staffId: string, at: string, note: string | null): Promise<boolean> {
  const updated = await db
    .updateTable('counter_shifts')
    .set({ status: 'approved', approved_by: staffId, approved_at: at, note })
    .where('id', '=', id)
    .where('status', '=', 'pending_approval')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The counter payments taken in each of the shifts, in the order they were taken (one query). */
export async function paymentsOfShifts(db: Kysely<Database>, shiftIds: readonly string[]): Promise<Map<string, CounterPaymentRow[]>> {
  const byShift = new Map<string, CounterPaymentRow[]>(shiftIds.map((id) => [id, []]));
  if (shiftIds.length === 0) return byShift;
  const payments = await db.selectFrom('counter_payments').selectAll().where('shift_id', 'in', shiftIds).orderBy('created_at').execute();
  for (const payment of payments) byShift.get(payment.shift_id)?.push(payment);
  return byShift;
}

export async function insertCounterPayment(db: Kysely<Database>, row: CounterPaymentRow): Promise<void> {
  await db.insertInto('counter_payments').values(row).execute();
}

/** The counter payment of a counter renewal's order. */
export function counterPaymentOf(db: Kysely<Database>, orderId: string): Promise<CounterPaymentRow | undefined> {
  return db.selectFrom('counter_payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/** The hall a counter renewal was taken in. */
export async function hallOfCounterPayment(db: Kysely<Database>, orderId: string): Promise<string | undefined> {
  const payment = await db.selectFrom('counter_payments').select(['hall_id']).where('order_id', '=', orderId).executeTakeFirst();
  return payment?.hall_id;
}

/** The counter payment of the order, locked until the transaction ends. */
export function lockCounterPayment(db: Kysely<Database>, dialect: DialectName, orderId: string): Promise<CounterPaymentRow> {
  return forUpdate(dialect, db.selectFrom('counter_payments').selectAll().where('order_id', '=', orderId)).executeTakeFirstOrThrow();
}

/** Records a request to void the payment; false when a void was requested or done before. */
export async function requestVoid(db: Kysely<Database>, orderId: string, reason: string, staffId: string, at: string): Promise<boolean> {
  const updated = await db
    .updateTable('counter_payments')
    .set({ void_status: 'requested', void_reason: reason, void_requested_by: staffId, void_requested_at: at })
    .where('order_id', '=', orderId)
    .where('void_status', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function recordVoid(db: Kysely<Database>, orderId: string, staffId: string, at: string): Promise<void> {
  await db.updateTable('counter_payments').set({ void_status: 'voided', voided_by: staffId, voided_at: at }).where('order_id', '=', orderId).execute();
}
