/**
 * The waiting queue in the database: the order counters call tickets in, how many wait and
 * how many are ahead of a ticket, the recent service times and open counters the wait
 * estimate needs, and the near-front notices claimed once each. Each function takes the
 * Kysely instance or the transaction it runs in.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import { skipLocked } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import { serviceSecondsOf } from '../shifts/shift-rules.js';
import { ESTIMATE_WINDOW } from './queue-rules.js';
import type { TicketRow } from './ticket-repository.js';

/** A ticket's class in the calling order: 0 for a priority ticket, 1 for the others. */
const priorityRank = (eb: ExpressionBuilder<Database, 'hall_tickets'>) => eb.case().when('priority', '=', 'none').then(1).else(0).end();

/**
 * The hall's waiting tickets of the services in the order counters call them: priority
 * tickets first, then by place in the queue (`compareQueued`, which the tests hold this to).
 */
function waitingInOrder(db: Kysely<Database>, hallId: string, serviceIds: readonly string[]) {
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
export const meantFor = (target: string, counter: Expression<string>) => sql<SqlBool>`(${sql.ref(target)} is null or ${sql.ref(target)} = ${counter})`;

/** The waiting tickets a counter may call, in the order it calls them. */
export function callableBy(db: Kysely<Database>, hallId: string, counterId: string, serviceIds: readonly string[]) {
  return waitingInOrder(db, hallId, serviceIds).where(meantFor('target_counter_id', sql.val(counterId)));
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

/** The first `limit` waiting tickets of the service, in the order counters call them. */
export function queueFront(db: Kysely<Database>, hallId: string, serviceId: string, limit: number): Promise<TicketRow[]> {
  return waitingInOrder(db, hallId, [serviceId]).selectAll().limit(limit).execute();
}

/**
 * Marks told the tickets of `ids` still waiting and not yet told, skipping rows another
 * transaction holds (PostgreSQL); returns the ids it marked, whose messages are to be sent.
 */
export async function claimNearNotices(trx: Kysely<Database>, dialect: DialectName, ids: readonly string[]): Promise<string[]> {
  const unclaimed = skipLocked(
    dialect,
    trx
      .selectFrom('hall_tickets')
      .select('id')
      .where('id', 'in', [...ids])
      .where('near_notified', '=', 0)
      .where('status', '=', 'waiting'),
  );
  const told = await trx.updateTable('hall_tickets').set({ near_notified: 1 }).where('id', 'in', unclaimed).returning('id').execute();
  return told.map((t) => t.id);
}

/**
 * Every hall with the tickets waiting in it now, for the metrics: one count per hall over
 * `hall_tickets_queue` (hall, status). A past day's waiting tickets are closed by the minute jobs.
 */
export function waitingByHall(db: Kysely<Database>) {
  return db
    .selectFrom('halls')
    .innerJoin('operators', 'operators.id', 'halls.operator_id')
    .select((eb) => [
      'halls.id as hall_id',
      'halls.name as hall_name',
      'operators.code as operator',
      eb
        .selectFrom('hall_tickets')
        .select((t) => t.fn.countAll<number>().as('n'))
        .whereRef('hall_tickets.hall_id', '=', 'halls.id')
        .where('hall_tickets.status', '=', 'waiting')
        .$asScalar()
        .as('waiting'),
    ])
    .orderBy('halls.id')
    .execute();
}
