/**
 * The sweep looks for cards that missed a step only among those changed since the step's
 * day (`LateScope` in src/reminders/reminder-repository.ts), so the index it scans carries
 * `updated_at` as well and the check stays an index-only range scan. Without the column,
 * each card of a step's window cost a random heap read (about 35 µs a card at a million
 * cards on PostgreSQL, 1.1 s for the 30-day step's window).
 */
import { type Kysely, sql } from 'kysely';

async function reminderDueIndex(db: Kysely<any>, columns: string[]): Promise<void> {
  await db.schema.dropIndex('cards_reminder_due').execute();
  await db.schema
    .createIndex('cards_reminder_due')
    .on('cards')
    .columns(columns)
    .where(sql.ref('retired_at'), 'is', null)
    .where(sql.ref('blocked'), '=', 0)
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await reminderDueIndex(db, ['operator_id', 'valid_until', 'id', 'updated_at']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await reminderDueIndex(db, ['operator_id', 'valid_until', 'id']);
}
