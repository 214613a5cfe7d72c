/**
 * A ticket's number is unique in its hall for the day, whichever service it waits for now.
 *
 * The unique key was (service, day, sequence), but a transfer moves a ticket to another
 * service and it keeps its number (A002 stays A002 at the enquiries desk): the key refused
 * the transfer when that service had issued the same sequence already, and otherwise
 * refused every later kiosk ticket of that service with that sequence, all day. The number
 * names the service that issued it (prefixes are unique in a hall, each with its own daily
 * sequence), so (hall, day, number) is the key that a transfer leaves alone.
 *
 * SQLite cannot drop a constraint of a table: the table is rebuilt from its own stored
 * definition without that one clause, its rows copied, and its indexes recreated.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

const OLD_KEY = /,\s*constraint\s+"?hall_tickets_sequence"?\s+unique\s*\([^)]*\)/i;

export async function up(db: Kysely<any>): Promise<void> {
  // The old key is the table's constraint from 0006, or, after this migration was reverted,
  // the unique index `down` made in its place.
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    if (await hasIndex(db, 'hall_tickets_sequence')) await db.schema.dropIndex('hall_tickets_sequence').execute();
    else await rebuildWithoutOldKey(db);
  } else {
    await sql`alter table hall_tickets drop constraint if exists hall_tickets_sequence`.execute(db);
    await db.schema.dropIndex('hall_tickets_sequence').ifExists().execute();
  }
  await db.schema.createIndex('hall_tickets_number').on('hall_tickets').columns(['hall_id', 'day', 'number']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hall_tickets_number').execute();
  // Fails while a transferred ticket shares a sequence with its new service's own ticket.
  await db.schema.createIndex('hall_tickets_sequence').on('hall_tickets').columns(['service_id', 'day', 'sequence']).unique().execute();
}

async function hasIndex(db: Kysely<any>, name: string): Promise<boolean> {
  const found = await sql`select 1 from sqlite_master where type = 'index' and name = ${name}`.execute(db);
  return found.rows.length > 0;
}

/** SQLite's way to change a table's constraints (sqlite.org/lang_altertable.html, "other kinds of table schema changes"). */
async function rebuildWithoutOldKey(db: Kysely<any>): Promise<void> {
  const schema = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = 'hall_tickets' and sql is not null`.execute(db);
  const table = schema.rows.find((r) => r.type === 'table');
  if (!table || !OLD_KEY.test(table.sql)) throw new Error('hall_tickets: the (service, day, sequence) key to drop is not where expected');
  const others = schema.rows.filter((r) => r.type !== 'table');
  const rebuilt = table.sql.replace(OLD_KEY, '').replace(/^create table\s+"?hall_tickets"?/i, 'create table "hall_tickets_rebuilt"');
  // Rows of other tables refer to tickets by id; they keep doing so through the swap.
  // (SQLite's migrations run outside a transaction, on its one connection; the pragma
  // has no effect inside one.)
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into hall_tickets_rebuilt select * from hall_tickets`.execute(db);
      await sql`drop table hall_tickets`.execute(db);
      await sql`alter table hall_tickets_rebuilt rename to hall_tickets`.execute(db);
      for (const other of others) await sql.raw(other.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('hall_tickets: the rebuild broke a reference');
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
