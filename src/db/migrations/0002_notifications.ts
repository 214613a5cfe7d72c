/**
 * Reminders and notifications: each operator's notification settings, each card's contact
 * preferences, and the outbox every message leaves through, with its delivery log.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_settings')
    .addColumn('operator_id', 'text', (c) => c.primaryKey().references('operators.id'))
    // JSON: the reminder steps with their templates; null = the built-in schedule.
    .addColumn('schedule', 'text')
    .addColumn('quiet_start', 'text', (c) => c.notNull())
    .addColumn('quiet_end', 'text', (c) => c.notNull())
    // JSON transport settings per channel; null = the console-and-file outbox.
    .addColumn('sms_transport', 'text')
    .addColumn('email_transport', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('card_contacts')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('opted_out', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // One row per message. A reminder's id is made of (card, validUntil, step), so enqueuing
  // it twice, from two processes or two sweeps, inserts it once.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('step', 'text')
    // Rendered when sent for reminders (so a price or preference is current); set for the rest.
    .addColumn('channel', 'text')
    .addColumn('recipient', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').column('next_attempt_at').where(sql.ref('status'), '=', 'pending').execute();
  await db.schema.createIndex('outbox_operator').on('outbox').columns(['operator_id', 'kind', 'status', 'created_at']).execute();
  await db.schema.createIndex('outbox_card').on('outbox').columns(['card_id', 'valid_until']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_outbox').on('deliveries').columns(['outbox_id', 'at']).execute();

  // Which day's reminders each operator has enqueued, so a sweep runs once a day and
  // catches up days the server was down.
  await db.schema
    .createTable('reminder_sweeps')
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('enqueued', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_sweeps_pk', ['operator_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['reminder_sweeps', 'deliveries', 'outbox', 'card_contacts', 'notification_settings']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
