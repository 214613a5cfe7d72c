/**
 * The daily sweep: for each operator and local day, every step of the schedule selects the
 * cards it is due for and enqueues one outbox row per card, in one set-based
 * `INSERT … SELECT` per step. A step is due on its own day and, when missed (the card was
 * imported, shortened or renewed after that day, or no sweep ran), on the following days
 * while its reason holds and no later step has come (`dueSpan`). A reminder's id is (card,
 * validUntil, step), so a second sweep, another process, or a re-run after a crash inserts
 * nothing twice. Days the server was down get their lifecycle events (up to a week back);
 * their reminders are today's catch-up. The message itself is rendered when sent.
 */

import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { addDays, compareDates, type LocalDate, todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Db, DialectName } from '../db/database.js';
import { lockForOperator } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { unionAll } from '../db/union-all.js';
import type { NotificationSettingsStore } from '../notify/notification-settings.js';
import type { Clock } from '../shared/clock.js';
import type { EventPublisher } from '../webhooks/events.js';
import { dueValidUntils, type ReminderStep, supersedingSteps } from './schedule.js';

export const REMINDER_KIND = 'reminder';
const CATCH_UP_DAYS = 7;

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
 * The cards a step is due for on `day`: live, not blocked, not opted out, and either on the
 * step's own day, or later (`dueValidUntils`) without this step or a later one queued for
 * their validity. When nobody has opted out, one look at the partial index
 * `card_contacts_opted_out` settles the last for the whole step; without that look,
 * PostgreSQL's anti-join rescans an empty `card_contacts` for every card, which costs more
 * than reading the card.
 */
function selection(db: Kysely<Database>, operator: Operator, schedule: readonly ReminderStep[], step: ReminderStep, day: LocalDate) {
  const { earliest, latest } = dueValidUntils(step, schedule, day, operator);
  const superseding = supersedingSteps(step, schedule, operator);
  return (
    db
      .selectFrom('cards as c')
      .where('c.operator_id', '=', operator.id)
      .$if(earliest === latest, (qb) => qb.where('c.valid_until', '=', latest))
      .$if(earliest !== latest, (qb) =>
        qb
          .where('c.valid_until', '>=', earliest)
          .where('c.valid_until', '<=', latest)
          .where((eb) => eb.or([eb('c.valid_until', '=', latest), eb.not(eb.exists(queuedFor(eb, superseding)))])),
      )
      .where('c.retired_at', 'is', null)
      // Literals, not parameters, so that a prepared statement's generic plan still matches
      // the partial indexes (`cards_reminder_due`: blocked = 0; `card_contacts_opted_out`).
      .where('c.blocked', '=', sql.lit(0))
      .where((eb) => {
        const optedOut = eb.selectFrom('card_contacts as k').select('k.card_id').where('k.opted_out', '=', sql.lit(1));
        return eb.or([eb.not(eb.exists(optedOut)), eb.not(eb.exists(optedOut.whereRef('k.card_id', '=', 'c.id')))]);
      })
  );
}

/** The advisory lock a sweep of an operator's reminders holds (PostgreSQL; SQLite's writers are serial). */
const sweepLock = (operatorId: string) => `reminders:${operatorId}`;

/**
 * Enqueues `day`'s reminders of every step in one `INSERT … SELECT … UNION ALL …` (one
 * round trip and one plan per day, whatever the schedule's length); returns how many rows
 * were new. On PostgreSQL a reminder already queued is left out by comparing each step's
 * cards with that step's queued reminders for its one date (`outbox_reminders`): a merge of
 * two index ranges, where `ON CONFLICT DO NOTHING` costs a speculative insertion per row,
 * twice the insert itself. It takes `sweepLock` in the caller's transaction (at once, when
 * the caller holds it already), so the sweep is the only writer of the operator's
 * reminders. Should a writer ever skip the lock, the primary key refuses the duplicate and
 * the transaction fails, to be swept again: never a reminder queued twice.
 */
export async function enqueueDay(
  trx: Kysely<Database>,
  dialect: DialectName,
  operator: Operator,
  schedule: readonly ReminderStep[],
  day: LocalDate,
  now: Date,
): Promise<number> {
  await lockForOperator(trx, dialect, sweepLock(operator.id));
  const nowIso = now.toISOString();
  // PostgreSQL leaves out the reminders already queued before inserting (see above); SQLite's
  // insert looks up the key anyway, so there `ON CONFLICT DO NOTHING` is the cheaper way.
  const leaveOutQueued = dialect === 'postgres';
  const rowsOf = (step: ReminderStep) =>
    selection(trx, operator, schedule, step, day)
      .$if(leaveOutQueued, (qb) => {
        const { earliest, latest } = dueValidUntils(step, schedule, day, operator);
        return qb.where((eb) => eb.not(eb.exists(queuedFor(eb, [step.code], earliest === latest ? latest : undefined))));
      })
      .select([
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
      ]);
  const rows = unionAll(schedule.map(rowsOf));
  if (!rows) return 0;
  const result = await trx
    .insertInto('outbox')
    .columns(['id', 'kind', 'operator_id', 'card_id', 'valid_until', 'step', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(rows)
    .$if(!leaveOutQueued, (qb) => qb.onConflict((oc) => oc.column('id').doNothing()))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export interface PlannedReminder {
  step: string;
  cardId: string;
  msisdn: string;
  validUntil: LocalDate;
}

/**
 * What `day`'s sweep would enqueue, without writing (for `simkeep reminders --dry-run`): the
 * steps' on-time cards, queued already or not, and the late ones not queued yet.
 */
export async function planDay(db: Kysely<Database>, operator: Operator, schedule: readonly ReminderStep[], day: LocalDate): Promise<PlannedReminder[]> {
  const planned: PlannedReminder[] = [];
  for (const step of schedule) {
    const rows = await selection(db, operator, schedule, step, day).select(['c.id', 'c.msisdn', 'c.valid_until']).orderBy('c.msisdn').execute();
    for (const row of rows) planned.push({ step: step.code, cardId: row.id, msisdn: row.msisdn, validUntil: row.valid_until });
  }
  return planned;
}

export class ReminderSweeper {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly settings: NotificationSettingsStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /** Enqueues every operator's reminders up to its local today; returns how many rows were new. */
  async sweep(): Promise<number> {
    const operators = await this.db.kysely.selectFrom('operators').select('id').execute();
    let enqueued = 0;
    for (const { id } of operators) {
      const operator = await this.catalog.operatorById(id);
      if (operator) enqueued += await this.sweepOperator(operator);
    }
    return enqueued;
  }

  async sweepOperator(operator: Operator): Promise<number> {
    const { schedule } = await this.settings.of(operator.id);
    const now = this.clock.now();
    const today = todayIn(operator.timeZone, now);
    const last = await this.db.kysely
      .selectFrom('reminder_sweeps')
      .select((eb) => eb.fn.max('day').as('day'))
      .where('operator_id', '=', operator.id)
      .executeTakeFirst();
    const earliest = addDays(today, -(CATCH_UP_DAYS - 1));
    let day = last?.day ? addDays(last.day, 1) : today;
    if (compareDates(day, earliest) < 0) day = earliest;
    let enqueued = 0;
    for (; compareDates(day, today) <= 0; day = addDays(day, 1)) {
      const sweptDay = day;
      enqueued += await this.db.kysely.transaction().execute(async (trx) => {
        // Another process sweeping the operator now does the same work: let it.
        if (!(await lockForOperator(trx, this.db.dialect, sweepLock(operator.id), false))) return 0;
        // A missed day's reminders are today's to catch up, the latest step due for each
        // card only: enqueueing that day's as well would send superseded steps at once.
        const count = compareDates(sweptDay, today) === 0 ? await enqueueDay(trx, this.db.dialect, operator, schedule, sweptDay, now) : 0;
        await this.events.lifecycle(trx, operator, sweptDay, now);
        await trx
          .insertInto('reminder_sweeps')
          .values({ operator_id: operator.id, day: sweptDay, enqueued: count, at: now.toISOString() })
          .onConflict((oc) => oc.columns(['operator_id', 'day']).doNothing())
          .execute();
        return count;
      });
    }
    return enqueued;
  }
}
