/**
 * The daily sweep: for each operator and each local day, every step of the schedule
 * selects the cards it fires for and enqueues one outbox row per card, in one set-based
 * `INSERT … SELECT` per step. A reminder's id is (card, validUntil, step), so a second
 * sweep, another process, or a re-run after a crash inserts nothing twice. Days the server
 * was down are caught up (up to a week back); the message itself is rendered when sent.
 * The same transaction records the day's lifecycle events for operators' webhooks.
 */

import { type Kysely, sql } from 'kysely';
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
import { type ReminderStep, targetValidUntil } from './schedule.js';

export const REMINDER_KIND = 'reminder';
const CATCH_UP_DAYS = 7;

/**
 * The cards a step selects on `day`: live, not blocked, not opted out. When nobody has opted
 * out, one look at the partial index `card_contacts_opted_out` settles the last for the
 * whole step; without that look, PostgreSQL's anti-join rescans an empty `card_contacts`
 * for every card, which costs more than reading the card.
 */
function selection(db: Kysely<Database>, operator: Operator, step: ReminderStep, day: LocalDate) {
  return (
    db
      .selectFrom('cards as c')
      .where('c.operator_id', '=', operator.id)
      .where('c.valid_until', '=', targetValidUntil(step, day, operator))
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
    selection(trx, operator, step, day)
      .$if(leaveOutQueued, (qb) =>
        qb.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('outbox as o')
                .select('o.id')
                // A literal, so that the partial index `outbox_reminders` (kind = 'reminder') serves it.
                .where('o.kind', '=', sql.lit(REMINDER_KIND))
                .where('o.valid_until', '=', targetValidUntil(step, day, operator))
                .where('o.step', '=', step.code)
                .whereRef('o.card_id', '=', 'c.id'),
            ),
          ),
        ),
      )
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

/** What `day`'s sweep would enqueue, without writing (for `simkeep reminders --dry-run`). */
export async function planDay(db: Kysely<Database>, operator: Operator, schedule: readonly ReminderStep[], day: LocalDate): Promise<PlannedReminder[]> {
  const planned: PlannedReminder[] = [];
  for (const step of schedule) {
    const rows = await selection(db, operator, step, day).select(['c.id', 'c.msisdn', 'c.valid_until']).orderBy('c.msisdn').execute();
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
        const count = await enqueueDay(trx, this.db.dialect, operator, schedule, sweptDay, now);
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
