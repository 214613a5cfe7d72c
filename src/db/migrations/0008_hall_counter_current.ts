/**
 * A counter deals with one ticket at a time. The database now keeps that rule itself, so
 * the console's actions no longer serialise a whole hall behind one lock to keep it: two
 * calls at one counter racing through two requests (or two server processes) cannot both
 * give it a ticket; the second fails on this index and is told to finish the first.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index hall_tickets_at_counter on hall_tickets (counter_id) where status in ('called', 'serving')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hall_tickets_at_counter').execute();
}
