/**
 * Tickets in the database: issued with the next number of the service's daily sequence,
 * found, locked and changed, closed at the end of their day, and read for the board's recent
 * calls and the hall's statistics. The queue they wait in is queue-repository.ts, their call
 * at a counter call-repository.ts. Each function takes the Kysely instance or the
 * transaction it runs in.
 */
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import { forUpdate, selectedRow } from '../../db/dialect.js';
import type { HallTicketTable, TicketPriority, TicketSource, TicketStatus } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';
import { DomainError } from '../../shared/errors.js';
import { newId, newSecretId } from '../../shared/ids.js';
import type { HallLayout } from '../hall-repository.js';
import { type QueuedTicket, ticketDay, ticketNumber } from './queue-rules.js';

export type TicketRow = HallTicketTable;

export const ticketNotFound = () => new DomainError('ticket_not_found');

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

export function findTicket(db: Kysely<Database>, id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('hall_tickets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The ticket of a phone page's link. */
export function ticketByToken(db: Kysely<Database>, token: string): Promise<TicketRow | undefined> {
  return db.selectFrom('hall_tickets').selectAll().where('token', '=', token).executeTakeFirst();
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
  if (!service) throw new DomainError('service_not_found');
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

/** Changes the ticket; answers it as changed. */
export function changeTicket(db: Kysely<Database>, id: string, changes: Partial<TicketRow>): Promise<TicketRow> {
  return db.updateTable('hall_tickets').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function updateTicket(db: Kysely<Database>, id: string, changes: Partial<TicketRow>): Promise<void> {
  await db.updateTable('hall_tickets').set(changes).where('id', '=', id).execute();
}

/** Cancels the ticket if it is still waiting; false when it was not (called meanwhile). */
export async function cancelWaiting(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const updated = await db
    .updateTable('hall_tickets')
    .set({ status: 'cancelled', finished_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Closes the halls' tickets of days before `day`: a waiting one is cancelled, a called one
 * a no-show. Answers the hall of each ticket closed.
 */
export function closeDaysBefore(db: Kysely<Database>, hallIds: readonly string[], day: string, at: string): Promise<{ hall_id: string }[]> {
  return db
    .updateTable('hall_tickets')
    .set((eb) => ({
      status: eb.case().when('status', '=', 'waiting').then(sql.lit<TicketStatus>('cancelled')).else(sql.lit<TicketStatus>('no_show')).end(),
      updated_at: at,
    }))
    .where('hall_id', 'in', hallIds)
    .where('status', 'in', ['waiting', 'called'])
    .where('day', '<', day)
    .returning('hall_id')
    .execute();
}

/** The hall's last `limit` tickets called on the day, newest call first, as the board shows them. */
export function calledOn(db: Kysely<Database>, hallId: string, day: string, limit: number) {
  return db
    .selectFrom('hall_tickets')
    .select(['number', 'status', 'counter_id', 'service_id', 'called_at', 'recalls'])
    .where('hall_id', '=', hallId)
    .where('day', '=', day)
    .where('called_at', 'is not', null)
    .orderBy('called_at', 'desc')
    .limit(limit)
    .execute();
}

/** The hall's tickets of the local days `from` to `to`, with their clerk's names, as the statistics count them. */
export function ticketsOfDays(db: Kysely<Database>, hallId: string, from: string, to: string) {
  return db
    .selectFrom('hall_tickets as t')
    .leftJoin('staff as s', 's.id', 't.clerk_id')
    .select([
      't.service_id',
      't.counter_id',
      't.day',
      't.status',
      't.issued_at',
      't.first_called_at',
      't.called_at',
      't.started_at',
      't.finished_at',
      's.username',
      's.display_name',
    ])
    .where('t.hall_id', '=', hallId)
    .where('t.day', '>=', from)
    .where('t.day', '<=', to)
    .execute();
}
