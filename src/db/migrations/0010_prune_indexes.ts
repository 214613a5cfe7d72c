/**
 * Two tables are pruned by age every minute: the anti-probing failures and the sign-in code
 * sends. Their indexes began with the subject (number, IP), so each prune read the whole
 * table, which is largest exactly while someone is probing. These indexes by time let a
 * prune read only the rows it removes.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('probe_failures_at').on('probe_failures').column('at').execute();
  await db.schema.createIndex('sign_in_requests_at').on('sign_in_requests').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sign_in_requests_at').execute();
  await db.schema.dropIndex('probe_failures_at').execute();
}
