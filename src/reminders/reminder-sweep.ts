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

import type { Kysely } from 'kysely';
import { addDays, compareDates, type LocalDate, todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Db, DialectName } from '../db/database.js';
import { lockForOperator } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import type { NotificationSettingsStore } from '../notify/notification-settings.js';
import type { Clock } from '../shared/clock.js';
import type { EventPublisher } from '../webhooks/events.js';
import { allOperatorIds, cardsDue, insertDueReminders, type LateScope, lastSweptDay, REMINDER_KIND, recordSweep } from './reminder-repository.js';
import type { ReminderStep } from './schedule.js';

/** services.ts registers the reminder composer under it. */
export { type LateScope, REMINDER_KIND };

const CATCH_UP_DAYS = 7;

/** The advisory lock a sweep of an operator's reminders holds (PostgreSQL; SQLite's writers are serial). */
const sweepLock = (operatorId: string) => `reminders:${operatorId}`;

/**
 * Enqueues `day`'s reminders of every step (`insertDueReminders`), the late ones among the
 * cards `scope` names; returns how many rows were new. It takes `sweepLock` in the caller's transaction (at once, when the caller
 * holds it already), so the sweep is the only writer of the operator's reminders.
 */
export async function enqueueDay(
  trx: Kysely<Database>,
  dialect: DialectName,
  operator: Operator,
  schedule: readonly ReminderStep[],
  day: LocalDate,
  now: Date,
  scope: LateScope,
): Promise<number> {
  await lockForOperator(trx, dialect, sweepLock(operator.id));
  return insertDueReminders(trx, dialect, operator, schedule, day, now, scope);
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
    const rows = await cardsDue(db, operator, schedule, step, day);
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
    let enqueued = 0;
    for (const id of await allOperatorIds(this.db.kysely)) {
      const operator = await this.catalog.operatorById(id);
      if (operator) enqueued += await this.sweepOperator(operator);
    }
    return enqueued;
  }

  async sweepOperator(operator: Operator): Promise<number> {
    const { schedule } = await this.settings.of(operator.id);
    const now = this.clock.now();
    const today = todayIn(operator.timeZone, now);
    const last = await lastSweptDay(this.db.kysely, operator.id);
    const earliest = addDays(today, -(CATCH_UP_DAYS - 1));
    let day = last ? addDays(last, 1) : today;
    if (compareDates(day, earliest) < 0) day = earliest;
    let enqueued = 0;
    for (; compareDates(day, today) <= 0; day = addDays(day, 1)) {
      const sweptDay = day;
      enqueued += await this.db.kysely.transaction().execute(async (trx) => {
        // Another process sweeping the operator now does the same work: let it.
        if (!(await lockForOperator(trx, this.db.dialect, sweepLock(operator.id), false))) return 0;
        // A missed day's reminders are today's to catch up, the latest step due for each
        // card only: enqueueing that day's as well would send superseded steps at once. Late
        // cards are those changed since their step's day or whose step's day came after
        // `last`, the day swept before this run (every card, on the first sweep).
        const scope: LateScope = last ? { lastSwept: last } : 'all';
        const count = compareDates(sweptDay, today) === 0 ? await enqueueDay(trx, this.db.dialect, operator, schedule, sweptDay, now, scope) : 0;
        await this.events.lifecycle(trx, operator, sweptDay, now);
        await recordSweep(trx, operator.id, sweptDay, count, now);
        return count;
      });
    }
    return enqueued;
  }
}
