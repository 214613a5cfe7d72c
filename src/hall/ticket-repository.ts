/**
 * Tickets in the database: the daily sequence, the waiting queue of a hall's services, the
 * recent service times the wait estimate needs, and the open counters serving each service.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db, DialectName } from '../db/database.js';
import { forUpdate, skipLocked } from '../db/dialect.js';
import type { AuditLogTable, HallTicketTable, TicketPriority, TicketSource } from '../db/hall-schema.js';
import type { Database, OutboxTable } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';
import { newId, newSecretId } from '../shared/ids.js';
import type { HallLayout } from './hall-repository.js';
import { ESTIMATE_WINDOW, type QueuedTicket, ticketDay, ticketNumber } from './queue-rules.js';
import { serviceSecondsOf } from './shift-rules.js';

export type TicketRow = HallTicketTable;

export const ticketNotFound = () => new DomainError('ticket_not_found', 'No ticket has this id.');

/** Takes the next number of the service's sequence for the local day (1 on a new day). */
export async function takeSequence(trx: Kysely<Database>, serviceId: string, day: string): Promise<number> {
  const row = await trx
    .insertInto('hall_ticket_sequences')
    .values({ service_id: serviceId, day, last_value: 1 })
    .onConflict((oc) => oc.columns(['service_id', 'day']).doUpdateSet((eb) => ({ last_value: eb('hall_ticket_sequences.last_value', '+', 1) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
}

export function toQueued(t: TicketRow): QueuedTicket {
  return { id: t.id, serviceId: t.service_id, priority: t.priority, queuedAt: t.queued_at, targetCounterId: t.target_counter_id, sequence: t.sequence };
}

/** The ticket, locked for the rest of the transaction (PostgreSQL; SQLite's writers are serial). */
export async function lockTicket(trx: Kysely<Database>, dialect: DialectName, id: string): Promise<TicketRow> {
  const row = await forUpdate(dialect, trx.selectFrom('hall_tickets').selectAll().where('id', '=', id)).executeTakeFirst();
  if (!row) throw ticketNotFound();
  return row;
}

/** A ticket's class in the calling order: 0 for a priority ticket, 1 for the others. */
const priorityRank = (eb: ExpressionBuilder<Database, 'hall_tickets'>) => eb.case().when('priority', '=', 'none').then(1).else(0).end();

/**
 * The hall's waiting tickets of the services in the order counters call them: priority
 * tickets first, then by place in the queue (`compareQueued`, which the tests hold this to).
 */
export function waitingInOrder(db: Kysely<Database>, hallId: string, serviceIds: readonly string[]) {
  return db
    .selectFrom('hall_tickets')
    .where('hall_id', '=', hallId)
    .where('status', '=', 'waiting')
    .where('service_id', 'in', serviceIds.length > 0 ? [...serviceIds] : [''])
    .orderBy(priorityRank)
    .orderBy('queued_at')
    .orderBy('sequence')
    .orderBy('id');
}

/** A ticket a counter may take: one sent to no counter in particular (`target` null), or to this one. */
const meantFor = (target: string, counter: Expression<string>) => sql<SqlBool>`(${sql.ref(target)} is null or ${sql.ref(target)} = ${counter})`;

/** The waiting tickets a counter may call, in the order it calls them. */
export function callableBy(db: Kysely<Database>, hallId: string, counterId: string, serviceIds: readonly string[]) {
  return waitingInOrder(db, hallId, serviceIds).where(meantFor('target_counter_id', sql.val(counterId)));
}

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

/**
 * A row as the column list and select list of an `INSERT … SELECT` (PostgreSQL): each value a
 * parameter, numbers and nulls as literals (a parameter there would be taken for text), or
 * the expression given for its column.
 */
function selectedRow<Row extends object>(row: Row, expressions: Partial<Record<keyof Row, RawBuilder<unknown>>> = {}) {
  const columns = Object.keys(row) as (keyof Row & string)[];
  const value = (column: keyof Row & string) => {
    const given = expressions[column];
    if (given) return given;
    const v: unknown = row[column];
    return typeof v === 'number' ? sql.lit(v) : v === null ? sql`null` : sql.val(v);
  };
  return { columns: sql.join(columns.map((c) => sql.ref(c))), values: sql.join(columns.map(value)) };
}

/** How many waiting tickets of each of the hall's services (of some services only, when given). */
export async function waitingCounts(db: Kysely<Database>, hallId: string, serviceIds?: readonly string[]): Promise<Map<string, number>> {
  let q = db
    .selectFrom('hall_tickets')
    .select((eb) => ['service_id', eb.fn.countAll<number>().as('n')])
    .where('hall_id', '=', hallId)
    .where('status', '=', 'waiting');
  if (serviceIds) q = q.where('service_id', 'in', serviceIds.length > 0 ? [...serviceIds] : ['']);
  const rows = await q.groupBy('service_id').execute();
  return new Map(rows.map((r) => [r.service_id, Number(r.n)]));
}

/** `peopleAhead` in the database: the waiting tickets of the ticket's service that `compareQueued` puts before it. */
export async function countAhead(db: Kysely<Database>, ticket: TicketRow): Promise<number> {
  const row = await db
    .selectFrom('hall_tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hall_id', '=', ticket.hall_id)
    .where('status', '=', 'waiting')
    .where('service_id', '=', ticket.service_id)
    .where('id', '!=', ticket.id)
    .where((eb) => {
      const rank = priorityRank(eb);
      const mine = ticket.priority === 'none' ? 1 : 0;
      return eb.or([
        eb(rank, '<', mine),
        eb.and([
          eb(rank, '=', mine),
          eb.or([
            eb('queued_at', '<', ticket.queued_at),
            eb.and([
              eb('queued_at', '=', ticket.queued_at),
              eb.or([eb('sequence', '<', ticket.sequence), eb.and([eb('sequence', '=', ticket.sequence), eb('id', '<', ticket.id)])]),
            ]),
          ]),
        ]),
      ]);
    })
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function ticketById(db: Kysely<Database>, id: string): Promise<TicketRow> {
  const row = await db.selectFrom('hall_tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw ticketNotFound();
  return row;
}

/** Service times (seconds) of the service's last finished tickets, newest first. */
export async function recentServiceSeconds(db: Kysely<Database>, serviceId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('hall_tickets')
    .select(['status', 'started_at', 'called_at', 'finished_at'])
    .where('service_id', '=', serviceId)
    .where('status', '=', 'done')
    .where('finished_at', 'is not', null)
    .orderBy('finished_at', 'desc')
    .limit(ESTIMATE_WINDOW)
    .execute();
  return rows.flatMap((r) => serviceSecondsOf({ status: r.status, startedAt: r.started_at, calledAt: r.called_at, finishedAt: r.finished_at }) ?? []);
}

/** Open counters serving each service of the hall. */
export async function openCountersPerService(db: Kysely<Database>, hallId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('hall_counter_services as cs')
    .innerJoin('hall_counters as c', 'c.id', 'cs.counter_id')
    .select((eb) => ['cs.service_id', eb.fn.countAll<number>().as('open')])
    .where('c.hall_id', '=', hallId)
    .where('c.status', '=', 'open')
    .groupBy('cs.service_id')
    .execute();
  return new Map(rows.map((r) => [r.service_id, Number(r.open)]));
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

export interface NewTicket {
  priority: TicketPriority;
  source: TicketSource;
  phone: string | null;
  /** A walk-in is served at once, at this counter by this clerk. */
  servedAt?: { counterId: string; clerkId: string } | undefined;
}

/** Issues a ticket: the next number of the service for the hall's local day. */
export async function insertTicket(trx: Kysely<Database>, layout: HallLayout, serviceId: string, fields: NewTicket, now: Date): Promise<TicketRow> {
  const service = serviceFor(layout, serviceId);
  const day = ticketDay(layout.hall.time_zone, now);
  const sequence = await takeSequence(trx, service.id, day);
  const row = { ...newTicket(layout, service.id, day, fields, now), sequence, number: ticketNumber(service.ticket_prefix, sequence) };
  await trx.insertInto('hall_tickets').values(row).execute();
  return row;
}

/**
 * PostgreSQL: issues a ticket in one statement, the day's number taken and the ticket
 * written in one commit: one round trip where `insertTicket` in a transaction makes four.
 * The number is formatted in SQL as `ticketNumber` does (prefix, then at least three digits).
 */
export async function issueInOneStatement(db: Kysely<Database>, layout: HallLayout, serviceId: string, fields: NewTicket, now: Date): Promise<TicketRow> {
  const service = serviceFor(layout, serviceId);
  const day = ticketDay(layout.hall.time_zone, now);
  const ticket = selectedRow(newTicket(layout, service.id, day, fields, now));
  const { rows } = await sql<TicketRow>`
    with seq as (
      insert into hall_ticket_sequences (service_id, day, last_value) values (${service.id}, ${day}, 1)
      on conflict (service_id, day) do update set last_value = hall_ticket_sequences.last_value + 1
      returning last_value
    ), ticket as (
      insert into hall_tickets (${ticket.columns}, sequence, number)
      select ${ticket.values}, seq.last_value,
        ${service.ticket_prefix} || lpad(seq.last_value::text, greatest(3, length(seq.last_value::text)), '0')
      from seq
      returning *
    )
    select * from ticket`.execute(db);
  return rows[0] as TicketRow;
}

function serviceFor(layout: HallLayout, serviceId: string) {
  const service = layout.services.find((s) => s.id === serviceId);
  if (!service) throw new DomainError('service_not_found', 'This hall has no such service.');
  return service;
}

/** A new ticket's row but for its number, which the day's sequence gives. */
function newTicket(layout: HallLayout, serviceId: string, day: string, fields: NewTicket, now: Date): Omit<TicketRow, 'sequence' | 'number'> {
  const at = now.toISOString();
  return {
    id: newId('tkt'),
    token: newSecretId('tt'),
    hall_id: layout.hall.id,
    service_id: serviceId,
    day,
    priority: fields.priority,
    source: fields.source,
    phone: fields.phone,
    status: fields.servedAt ? 'serving' : 'waiting',
    recalls: 0,
    counter_id: fields.servedAt?.counterId ?? null,
    target_counter_id: null,
    clerk_id: fields.servedAt?.clerkId ?? null,
    near_notified: 0,
    issued_at: at,
    queued_at: at,
    called_at: fields.servedAt ? at : null,
    first_called_at: fields.servedAt ? at : null,
    started_at: fields.servedAt ? at : null,
    finished_at: null,
    updated_at: at,
  };
}

export async function hallOfTicket(db: Kysely<Database>, id: string): Promise<string> {
  const row = await db.selectFrom('hall_tickets').select('hall_id').where('id', '=', id).executeTakeFirst();
  if (!row) throw ticketNotFound();
  return row.hall_id;
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
