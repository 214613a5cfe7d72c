/**
 * Invoice requests in the database: written `pending` for a counter renewal (one per order),
 * read back, and listed for the operator's e-invoice integration. Each function takes the
 * Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { InvoiceRequestTable } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';

export type InvoiceRequestRow = InvoiceRequestTable;

export async function insertInvoiceRequest(db: Kysely<Database>, row: InvoiceRequestRow): Promise<void> {
  await db.insertInto('invoice_requests').values(row).execute();
}

export function findInvoiceRequest(db: Kysely<Database>, id: string): Promise<InvoiceRequestRow | undefined> {
  return db.selectFrom('invoice_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The operator's requests still pending, oldest first. */
export function pendingInvoiceRequests(db: Kysely<Database>, operatorId: string): Promise<InvoiceRequestRow[]> {
  return db.selectFrom('invoice_requests').selectAll().where('operator_id', '=', operatorId).where('status', '=', 'pending').orderBy('created_at').execute();
}
