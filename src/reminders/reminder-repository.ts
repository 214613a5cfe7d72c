/**
 * Reminders in the database: the outbox rows of kind `reminder` that the daily sweep
 * queues (one per card, validity and step, selected set-based), the sweeps' log, the
 * counts the operator's summary shows, and the cards with their contact choices as a
 * reminder is composed. Each function takes the Kysely instance or the transaction it
 * runs in. The sweep's queries are benchmarked (bench/reminders.ts): measure a change.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { addDays, compareDates, daysBetween, type LocalDate } from '../cards/calendar.js';
import type { Operator } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import { type Database, OUTBOX_STATUSES, type OutboxStatus } from '../db/schema.js';
import { unionAll } from '../db/union-all.js';
import { dueValidUntils, type ReminderStep, supersedingSteps } from './schedule.js';

export const REMINDER_KIND = 'reminder';

type CardsAsC = Database & { c: Database['cards'] };

/**
 * The card's queued reminders among `steps` for its current validity, or for `validUntil`
 * when every card selected has that one: then PostgreSQL merges two index ranges.
 */
function queuedFor(eb: ExpressionBuilder<CardsAsC, 'c'>, steps: readonly string[], validUntil?: LocalDate) {
  return (
    eb
      .selectFrom('outbox as o')
      .select('o.id')
      // A literal, so that the partial index `outbox_reminders` (kind = 'reminder') serves it.
      .where('o.kind', '=', sql.lit(REMINDER_KIND))
      .$if(validUntil === undefined, (qb) => qb.whereRef('o.valid_until', '=', 'c.valid_until'))
      .$if(validUntil !== undefined, (qb) => qb.where('o.valid_until', '=', validUntil as LocalDate))
      .$if(steps.length === 1, (qb) => qb.where('o.step', '=', steps[0] as string))
      .$if(steps.length > 1, (qb) => qb.where('o.step', 'in', [...steps]))
      .whereRef('o.card_id', '=', 'c.id')
  );
}

/**
 * Which of a step's late cards a sweep looks at. A card of the step's window can only lack
 * its reminder if it changed after the step's day (it was created, its validity was set, it
 * was unblocked: every such write stamps `updated_at`) or if that day was not swept; every
 * other card was on time that day and was queued then, or left out for a reason that still
 * holds (opted out). The scheduled sweep knows the last day it swept, so it looks only at
 * those cards — a few, where comparing every card of the window with the outbox cost 9 µs
 * a card (bench/README.md). `all` looks at every card of the window (the CLI, a first sweep).
 */
export type LateScope = 'all' | { lastSwept: LocalDate };

/** The base of every selection: the operator's live, unblocked cards not opted out. */
function reachableCards(db: Kysely<Database>, operator: Operator) {
  return (
    db
      .selectFrom('cards as c')
      .where('c.operator_id', '=', operator.id)
      .where('c.retired_at', 'is', null)
      // Literals, not parameters, so that a prepared statement's generic plan still matches
      // the partial indexes (`cards_reminder_due`: blocked = 0; `card_contacts_opted_out`).
      .where('c.blocked', '=', sql.lit(0))
      .where((eb) => {
        // When nobody has opted out, one look at the partial index `card_contacts_opted_out`
        // settles this for the whole step; without it, PostgreSQL's anti-join rescans an
        // empty `card_contacts` for every card, which costs more than reading the card.
        const optedOut = eb.selectFrom('card_contacts as k').select('k.card_id').where('k.opted_out', '=', sql.lit(1));
        return eb.or([eb.not(eb.exists(optedOut)), eb.not(eb.exists(optedOut.whereRef('k.card_id', '=', 'c.id')))]);
      })
  );
}

/**
 * The cards a step is due for on `day`, as up to three selections of one shape: the cards
 * on the step's own day (`onTime`), and the late ones (`dueValidUntils`) without this step
 * or a later one queued for their validity, among those `scope` says may have missed it —
 * the cards whose step's day was not swept, and the others changed since the window's
 * first step day. Each is a plain range of `cards_reminder_due` (no OR for the planner to
 * weigh), and in the daily sweep the second is empty and the third a few cards.
 */
function selections(db: Kysely<Database>, operator: Operator, schedule: readonly ReminderStep[], step: ReminderStep, day: LocalDate, scope: LateScope) {
  const { earliest, latest } = dueValidUntils(step, schedule, day, operator);
  const onTime = reachableCards(db, operator).where('c.valid_until', '=', latest);
  if (earliest === latest) return { onTime, late: [] };
  const lastLate = addDays(latest, -1);
  // A card's step's day is its validUntil moved by as many days as `latest` is from `day`.
  const firstUnswept = scope === 'all' ? earliest : maxDate(earliest, addDays(latest, daysBetween(day, addDays(scope.lastSwept, 1))));
  // The window's first step day, a day early: `updated_at` is UTC, the day the operator's.
  const changedSince = `${addDays(day, -daysBetween(earliest, latest) - 1)}T00:00:00.000Z`;
  const superseding = supersedingSteps(step, schedule, operator);
  // The offset keeps PostgreSQL from planning this as an anti-join with the outbox (it
  // flattens an EXISTS with a LIMIT alone): the late cards are few, and one probe of
  // `outbox_reminders` each is cheapest whatever the outbox's statistics say. Stale after a
  // sweep, they had it rescan the steps' reminders for every card, 0.8 s a day at a million.
  const notQueued = <Q extends ReturnType<typeof reachableCards>>(qb: Q) => qb.where((eb) => eb.not(eb.exists(queuedFor(eb, superseding).limit(1).offset(0))));
  const late = [];
  if (compareDates(firstUnswept, lastLate) <= 0)
    late.push(notQueued(reachableCards(db, operator).where('c.valid_until', '>=', firstUnswept).where('c.valid_until', '<=', lastLate)));
  if (compareDates(earliest, firstUnswept) < 0) {
    late.push(
      notQueued(
        reachableCards(db, operator).where('c.valid_until', '>=', earliest).where('c.valid_until', '<', firstUnswept).where('c.updated_at', '>=', changedSince),
      ),
    );
  }
  return { onTime, late };
}

const maxDate = (a: LocalDate, b: LocalDate) => (compareDates(a, b) >= 0 ? a : b);

/**
 * Queues `day`'s reminders of every step in one `INSERT … SELECT … UNION ALL …` (one
 * round trip and one plan per day, whatever the schedule's length); returns how many rows
 * were new. On PostgreSQL a reminder already queued is left out by comparing each step's
 * cards with that step's queued reminders for its one date (`outbox_reminders`): a merge of
 * two index ranges, where `ON CONFLICT DO NOTHING` costs a speculative insertion per row,
 * twice the insert itself. That needs the caller to be the only writer of the operator's
 * reminders (the sweep's lock); should a writer ever skip it, the primary key refuses the
 * duplicate and the transaction fails, to be swept again: never a reminder queued twice.
 */
export async function insertDueReminders(
  trx: Kysely<Database>,
  dialect: DialectName,
  operator: Operator,
  schedule: readonly ReminderStep[],
  day: LocalDate,
  now: Date,
  scope: LateScope,
): Promise<number> {
  const nowIso = now.toISOString();
  // PostgreSQL leaves out the reminders already queued before inserting (see above); SQLite's
  // insert looks up the key anyway, so there `ON CONFLICT DO NOTHING` is the cheaper way.
  const leaveOutQueued = dialect === 'postgres';
  const rowsOf = (step: ReminderStep) => {
    const { onTime, late } = selections(trx, operator, schedule, step, day, scope);
    const { latest } = dueValidUntils(step, schedule, day, operator);
    // Late cards are compared with the queued reminders already, this step's among them.
    const fresh = onTime.$if(leaveOutQueued, (qb) => qb.where((eb) => eb.not(eb.exists(queuedFor(eb, [step.code], latest)))));
    return [fresh, ...late].map((qb) =>
      qb.select([
        sql<string>`'rem:' || c.id || ':' || c.valid_until || ':' || ${step.code}`.as('id'),
        sql<string>`${REMINDER_KIND}`.as('kind'),
        'c.operator_id',
        'c.id as card_id',
        'c.valid_until',
        sql<string>`${step.code}`.as('step'),
        sql<string>`'pending'`.as('status'),
        sql<number>`0`.as('attempts'),
        sql<string>`${nowIso}`.as('next_attempt_at'),
        sql<string>`${nowIso}`.as('created_at'),
      ]),
    );
  };
  const rows = unionAll(schedule.flatMap(rowsOf));
  if (!rows) return 0;
  const result = await trx
    .insertInto('outbox')
    .columns(['id', 'kind', 'operator_id', 'card_id', 'valid_until', 'step', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(rows)
    .$if(!leaveOutQueued, (qb) => qb.onConflict((oc) => oc.column('id').doNothing()))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Every operator's id: the sweep goes through them all. */
export async function allOperatorIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('operators').select('id').execute();
  return rows.map((r) => r.id);
}

/** The cards `step` is due for on `day`, by number: what the sweep would queue for it. */
export async function cardsDue(db: Kysely<Database>, operator: Operator, schedule: readonly ReminderStep[], step: ReminderStep, day: LocalDate) {
  const { onTime, late } = selections(db, operator, schedule, step, day, 'all');
  const query = unionAll([onTime, ...late].map((qb) => qb.select(['c.id', 'c.msisdn', 'c.valid_until'])));
  const rows = (await query?.execute()) ?? [];
  return rows.sort((a, b) => (a.msisdn < b.msisdn ? -1 : a.msisdn > b.msisdn ? 1 : 0));
}

/** The last day swept for the operator, if any. */
export async function lastSweptDay(db: Kysely<Database>, operatorId: string): Promise<LocalDate | undefined> {
  const last = await db
    .selectFrom('reminder_sweeps')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('operator_id', '=', operatorId)
    .executeTakeFirst();
  return last?.day ?? undefined;
}

/** Notes that the operator's `day` was swept (a day already noted keeps its first entry). */
export async function recordSweep(trx: Kysely<Database>, operatorId: string, day: LocalDate, enqueued: number, now: Date): Promise<void> {
  await trx
    .insertInto('reminder_sweeps')
    .values({ operator_id: operatorId, day, enqueued, at: now.toISOString() })
    .onConflict((oc) => oc.columns(['operator_id', 'day']).doNothing())
    .execute();
}

/**
 * The operator's reminders by status: those waiting or dead however old (they need
 * attention), the others created since `since` (an all-time count would read every
 * reminder ever sent). One count per status, each a range of the `outbox_operator` index.
 */
export async function reminderCounts(db: Kysely<Database>, operatorId: string, since: string): Promise<Partial<Record<OutboxStatus, number>>> {
  const counts = OUTBOX_STATUSES.map((status) => {
    let query = db
      .selectFrom('outbox')
      .select((eb) => [sql<OutboxStatus>`${sql.lit(status)}`.as('status'), eb.fn.countAll<number>().as('count')])
      .where('operator_id', '=', operatorId)
      .where('kind', '=', REMINDER_KIND)
      .where('status', '=', status);
    if (status !== 'pending' && status !== 'dead') query = query.where('created_at', '>=', since);
    return query;
  });
  const rows = (await unionAll(counts)?.execute()) ?? [];
  return Object.fromEntries(rows.filter((r) => Number(r.count) > 0).map((r) => [r.status, Number(r.count)]));
}

/** How many of the operator's cards that reminders may go to (live, not blocked) expire on each day from `from` to `to`. */
export function remindableCardsByValidUntil(db: Kysely<Database>, operatorId: string, from: LocalDate, to: LocalDate) {
  return db
    .selectFrom('cards')
    .select(['valid_until', (eb) => eb.fn.countAll<number>().as('count')])
    .where('operator_id', '=', operatorId)
    .where('retired_at', 'is', null)
    .where('blocked', '=', 0)
    .where('valid_until', '>=', from)
    .where('valid_until', '<=', to)
    .groupBy('valid_until')
    .execute();
}

/** The cards as a reminder is composed for them: their state now, and their contact choices (all null without a row). */
export async function reminderCards(db: Kysely<Database>, cardIds: readonly string[]) {
  if (cardIds.length === 0) return [];
  return db
    .selectFrom('cards as c')
    .leftJoin('card_contacts as k', 'k.card_id', 'c.id')
    .select(['c.id', 'c.msisdn', 'c.valid_until', 'c.blocked', 'c.retired_at', 'k.channel', 'k.email', 'k.locale', 'k.opted_out'])
    .where('c.id', 'in', cardIds)
    .execute();
}
