/**
 * Indexes for the two things the reminder sweep checks of every card it selects.
 *
 * Whether its subscriber opted out: `card_contacts_opted_out` holds just those cards, so
 * "has anyone opted out" is one look, and each card's answer one probe of a small index.
 *
 * Whether its reminder is already queued: `outbox_reminders` orders the queued reminders by
 * (validUntil, step, card), so the sweep compares a step's cards with that step's queued
 * reminders for the one date it selects, whatever else the outbox holds. It replaces
 * `outbox_card` (card, validUntil), which no query used.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('card_contacts_opted_out').on('card_contacts').column('card_id').where(sql.ref('opted_out'), '=', 1).execute();
  await db.schema.createIndex('outbox_reminders').on('outbox').columns(['valid_until', 'step', 'card_id']).where(sql.ref('step'), 'is not', null).execute();
  await db.schema.dropIndex('outbox_card').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_card').on('outbox').columns(['card_id', 'valid_until']).execute();
  await db.schema.dropIndex('outbox_reminders').execute();
  await db.schema.dropIndex('card_contacts_opted_out').execute();
}
