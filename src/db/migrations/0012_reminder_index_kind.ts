/**
 * `outbox_reminders` (0009) was to hold the queued reminders, but its predicate
 * (`step is not null`) also took every webhook row, whose `step` names its event. It now
 * holds reminders only (`kind = 'reminder'`), which the sweep's check names.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_reminders').execute();
  await db.schema.createIndex('outbox_reminders').on('outbox').columns(['valid_until', 'step', 'card_id']).where(sql.ref('kind'), '=', 'reminder').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_reminders').execute();
  await db.schema.createIndex('outbox_reminders').on('outbox').columns(['valid_until', 'step', 'card_id']).where(sql.ref('step'), 'is not', null).execute();
}
