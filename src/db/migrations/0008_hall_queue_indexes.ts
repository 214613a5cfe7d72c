/**
 * A counter deals with one ticket at a time. The database now keeps that rule itself, so
 * the console's actions no longer serialise a whole hall behind one lock to keep it: two
 * calls at one counter racing through two requests (or two server processes) cannot both
 * give it a ticket; the second fails on this index and is told to finish the first.
 *
 * A phone number holds one live ticket per hall: joining the queue again from the same
 * phone (a double tap, or someone filling the queue with one number) is refused.
 *
 * The board, read after every change of a hall, lists the day's latest calls: with
 * `called_at` in the (hall, day) index it reads just those from the index's end instead
 * of sorting every ticket of the day.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index hall_tickets_at_counter on hall_tickets (counter_id) where status in ('called', 'serving')`.execute(db);
  await sql`create unique index hall_tickets_live_phone on hall_tickets (hall_id, phone) where phone is not null and status in ('waiting', 'called', 'serving')`.execute(
    db,
  );
  await db.schema.createIndex('hall_tickets_day_calls').on('hall_tickets').columns(['hall_id', 'day', 'called_at']).execute();
  await db.schema.dropIndex('hall_tickets_day').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('hall_tickets_day').on('hall_tickets').columns(['hall_id', 'day']).execute();
  await db.schema.dropIndex('hall_tickets_day_calls').execute();
  await db.schema.dropIndex('hall_tickets_live_phone').execute();
  await db.schema.dropIndex('hall_tickets_at_counter').execute();
}
