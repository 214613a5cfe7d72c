/**
 * Calling at the counters, in the database: the claim of a counter's next ticket with the
 * SMS and the audit entry written in its commit, what call-next reads before it claims, and
 * the ticket a counter is dealing with. Each function takes the Kysely instance or the
 * transaction it runs in (`callNext` the database, whose dialect decides how it commits).
 */
import { type Kysely, sql } from 'kysely';
import type { Db, DialectName } from '../../db/database.js';
import { selectedRow, skipLocked } from '../../db/dialect.js';
import type { AuditLogTable } from '../../db/hall-schema.js';
import type { Database, OutboxTable } from '../../db/schema.js';
import { callableBy, meantFor } from '../queue/queue-repository.js';
import type { TicketRow } from '../queue/ticket-repository.js';

/**
 * The update that makes the counter's next ticket `called`: the first callable ticket that
 * no other transaction holds (`SKIP LOCKED`, so counters calling at the same moment take
 * consecutive tickets instead of queueing behind one lock). A counter that already has a
 * current ticket violates `hall_tickets_at_counter`.
 */
function claimNext(
  db: Kysely<Database>,
  dialect: DialectName,
  hallId: string,
  counter: { id: string; serviceIds: readonly string[] },
  clerkId: string,
  now: Date,
) {
  const at = now.toISOString();
  const next = skipLocked(dialect, callableBy(db, hallId, counter.id, counter.serviceIds).select('id').limit(1));
  return db
    .updateTable('hall_tickets')
    .set((eb) => ({
      status: 'called',
      recalls: 0,
      counter_id: counter.id,
      target_counter_id: null,
      clerk_id: clerkId,
      called_at: at,
      first_called_at: eb.fn.coalesce('first_called_at', eb.val(at)),
      updated_at: at,
    }))
    .where('id', '=', next)
    .returningAll();
}

/** Stands for the called ticket's number in the rows written with a call, until the call knows it. */
export const CALLED_NUMBER = '{called-number}';

/** What a call writes besides the ticket, each with `CALLED_NUMBER` where the ticket's number goes. */
export interface CallRecords {
  /** The SMS to the ticket's phone, written only when the ticket has one (which becomes its recipient). */
  message: OutboxTable;
  /** The audit entry, whose subject becomes the ticket. */
  audit: AuditLogTable;
}

/**
 * Calls the counter's next ticket, with its SMS and its audit entry, in one commit; undefined
 * when no ticket is left to call. On PostgreSQL that is one statement (data-modifying CTEs
 * on the claim): one round trip where a transaction makes five. On SQLite, whose statements
 * cost no round trip, a transaction of the same writes.
 */
export async function callNext(
  db: Db,
  hallId: string,
  counter: { id: string; serviceIds: readonly string[] },
  clerkId: string,
  now: Date,
  records: CallRecords,
): Promise<TicketRow | undefined> {
  const { message, audit } = records;
  if (db.dialect === 'postgres') {
    const filled = (text: string | null) => sql`replace(${text}, ${CALLED_NUMBER}, c.number)`;
    const sms = selectedRow(message, { recipient: sql`c.phone`, body: filled(message.body) });
    const entry = selectedRow(audit, { subject: sql`c.id`, detail: filled(audit.detail) });
    const { rows } = await sql<TicketRow>`
      with claimed as (${claimNext(db.kysely, db.dialect, hallId, counter, clerkId, now)}),
      sms as (insert into outbox (${sms.columns}) select ${sms.values} from claimed c where c.phone is not null),
      entry as (insert into audit_log (${entry.columns}) select ${entry.values} from claimed c)
      select * from claimed`.execute(db.kysely);
    return rows[0];
  }
  return db.kysely.transaction().execute(async (trx) => {
    const ticket = await claimNext(trx, db.dialect, hallId, counter, clerkId, now).executeTakeFirst();
    if (!ticket) return undefined;
    const filled = (text: string | null) => text?.replaceAll(CALLED_NUMBER, ticket.number) ?? null;
    if (ticket.phone)
      await trx
        .insertInto('outbox')
        .values({ ...message, recipient: ticket.phone, body: filled(message.body) })
        .execute();
    await trx
      .insertInto('audit_log')
      .values({ ...audit, subject: ticket.id, detail: filled(audit.detail) })
      .execute();
    return ticket;
  });
}

/** The ticket a counter is dealing with (called or being served), if any. */
export function currentAtCounter(db: Kysely<Database>, counterId: string): Promise<TicketRow | undefined> {
  return db
    .selectFrom('hall_tickets')
    .selectAll()
    .where('counter_id', '=', counterId)
    .where('status', 'in', ['called', 'serving'])
    .orderBy('called_at', 'desc')
    .executeTakeFirst();
}

/**
 * What call-next needs before it claims, in one read: the counter's hall and status, whether
 * a ticket waits that it could call (by the counter's services as stored now), and the
 * number of the ticket it is dealing with, if any.
 */
export async function counterCallState(
  db: Kysely<Database>,
  counterId: string,
): Promise<{ hallId: string; status: 'open' | 'closed'; waiting: boolean; current: string | null } | undefined> {
  const row = await db
    .selectFrom('hall_counters as c')
    .select((eb) => [
      'c.hall_id',
      'c.status',
      eb
        .exists(
          eb
            .selectFrom('hall_tickets as t')
            .innerJoin('hall_counter_services as cs', 'cs.service_id', 't.service_id')
            .select('t.id')
            .whereRef('cs.counter_id', '=', 'c.id')
            .whereRef('t.hall_id', '=', 'c.hall_id')
            .where('t.status', '=', 'waiting')
            .where(meantFor('t.target_counter_id', sql.ref('c.id'))),
        )
        .as('waiting'),
      eb
        .selectFrom('hall_tickets as k')
        .select('k.number')
        .whereRef('k.counter_id', '=', 'c.id')
        .where('k.status', 'in', ['called', 'serving'])
        .orderBy('k.called_at', 'desc')
        .limit(1)
        .as('current'),
    ])
    .where('c.id', '=', counterId)
    .executeTakeFirst();
  if (!row) return undefined;
  // PostgreSQL answers EXISTS with a boolean, SQLite with 0 or 1.
  return { hallId: row.hall_id, status: row.status, waiting: Number(row.waiting) === 1, current: row.current ?? null };
}
