/**
 * The supervisor's lists read a page from the newest end, and now an index gives them that
 * order: the hall's shifts by the time they opened, and its audit log by id (the page key).
 * Before, each page sorted every shift or every audit entry of the hall. `audit_log_hall`
 * (hall, time) served no other query and is replaced.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('counter_shifts_hall_opened').on('counter_shifts').columns(['hall_id', 'opened_at']).execute();
  await db.schema.createIndex('audit_log_hall_page').on('audit_log').columns(['hall_id', 'id']).execute();
  await db.schema.dropIndex('audit_log_hall').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_hall').on('audit_log').columns(['hall_id', 'at']).execute();
  await db.schema.dropIndex('audit_log_hall_page').execute();
  await db.schema.dropIndex('counter_shifts_hall_opened').execute();
}
