/**
 * The daily reminder sweep reads, for one operator and one expiry date, the ids of the cards
 * a reminder may go to. This partial index holds exactly those cards (live, not blocked) and
 * the id, so each step of a sweep is an index-only range scan instead of one heap page per
 * card (cards expiring on one day are spread over the whole table).
 *
 * On PostgreSQL the outbox's pages keep room for one more version of each row, so the
 * dispatcher's claim (which sets only the unindexed `lease_until` and `attempts`) is a
 * heap-only update that writes no index entry.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('cards_reminder_due')
    .on('cards')
    .columns(['operator_id', 'valid_until', 'id'])
    .where(sql.ref('retired_at'), 'is', null)
    .where(sql.ref('blocked'), '=', 0)
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`alter table outbox set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cards_reminder_due').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`alter table outbox reset (fillfactor)`.execute(db);
}
