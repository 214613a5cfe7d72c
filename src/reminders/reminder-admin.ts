/**
 * The operator's view of reminders and messages: its notification settings (transport
 * secrets redacted), the reminders due in the coming days, counts by status, the dead
 * letters with their delivery log, and sending a dead letter again.
 */

import { sql } from 'kysely';
import { addDays, todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import { type AdminPrincipal, assertMayActFor } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import { before, newestFirst, type PagePosition } from '../db/newest-first.js';
import { OUTBOX_KINDS, OUTBOX_STATUSES, type OutboxKind, type OutboxStatus } from '../db/schema.js';
import { unionAll } from '../db/union-all.js';
import type { NotificationSettings, NotificationSettingsStore, SettingsChange } from '../notify/notification-settings.js';
import { redactTransportSettings } from '../notify/transport-settings.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { maskMsisdn } from '../shared/msisdn.js';
import { maskEmail } from './contact-service.js';
import { REMINDER_KIND } from './reminder-sweep.js';
import { stepDay, targetValidUntil } from './schedule.js';

/** How far back the summary counts sent, skipped and cancelled reminders. */
export const COUNTED_DAYS = 30;

export interface MessageFilter {
  status?: OutboxStatus | undefined;
  kind?: OutboxKind | undefined;
  /** The id of the last message of the previous page. */
  before?: string | undefined;
}

export function settingsView(settings: NotificationSettings) {
  return {
    schedule: [...settings.schedule],
    quietHours: settings.quietHours,
    transports: { sms: redactTransportSettings(settings.transports.sms), email: redactTransportSettings(settings.transports.email) },
    customised: settings.customised,
  };
}

const mask = (to: string | null) => (to === null ? null : to.includes('@') ? maskEmail(to) : maskMsisdn(to));

/** What the reminder admin use cases work with (services.ts builds them once). */
export interface ReminderAdminDeps {
  db: Db;
  catalog: Catalog;
  clock: Clock;
  notificationSettings: NotificationSettingsStore;
}

export class ReminderAdmin {
  constructor(private readonly services: ReminderAdminDeps) {}

  private async operator(principal: AdminPrincipal, code: string) {
    const operator = await this.services.catalog.operatorByCode(code);
    if (!operator) throw new DomainError('operator_not_found', `No operator has the code "${code}".`);
    assertMayActFor(principal, operator.id);
    return operator;
  }

  async settings(principal: AdminPrincipal, code: string) {
    const operator = await this.operator(principal, code);
    return settingsView(await this.services.notificationSettings.of(operator.id));
  }

  async updateSettings(principal: AdminPrincipal, code: string, change: SettingsChange) {
    const operator = await this.operator(principal, code);
    return settingsView(await this.services.notificationSettings.update(operator.id, change));
  }

  /** Reminders due each day from today for `days` days, per step, and reminders by status. */
  async summary(principal: AdminPrincipal, code: string, days: number) {
    const operator = await this.operator(principal, code);
    const { schedule } = await this.services.notificationSettings.of(operator.id);
    const today = todayIn(operator.timeZone, this.services.clock.now());
    const db = this.services.db.kysely;
    const dates = schedule.flatMap((step) => [targetValidUntil(step, today, operator), targetValidUntil(step, addDays(today, days - 1), operator)]);
    const sorted = [...dates].sort();
    const from = sorted[0] ?? today;
    const to = sorted.at(-1) ?? today;
    const cards = await db
      .selectFrom('cards')
      .select(['valid_until', (eb) => eb.fn.countAll<number>().as('count')])
      .where('operator_id', '=', operator.id)
      .where('retired_at', 'is', null)
      .where('blocked', '=', 0)
      .where('valid_until', '>=', from)
      .where('valid_until', '<=', to)
      .groupBy('valid_until')
      .execute();
    const upcoming = new Map<string, Record<string, number>>();
    for (const { valid_until, count } of cards) {
      for (const step of schedule) {
        const day = stepDay(step, valid_until, operator);
        if (day < today || day > addDays(today, days - 1)) continue;
        const perStep = upcoming.get(day) ?? {};
        perStep[step.code] = (perStep[step.code] ?? 0) + Number(count);
        upcoming.set(day, perStep);
      }
    }
    const messagesSince = new Date(this.services.clock.now().getTime() - COUNTED_DAYS * 86_400_000).toISOString();
    return {
      today,
      upcoming: [...upcoming].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, steps]) => ({ day, steps })),
      messages: await this.reminderCounts(operator.id, messagesSince),
      messagesSince,
    };
  }

  /**
   * Reminders by status: those waiting or dead however old (they need attention), the
   * others of the last `COUNTED_DAYS` (an all-time count would read every reminder ever
   * sent). One count per status, each a range of the `outbox_operator` index.
   */
  private async reminderCounts(operatorId: string, since: string): Promise<Partial<Record<OutboxStatus, number>>> {
    const db = this.services.db.kysely;
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

  /** The newest messages first, a page at a time: `before` is the last message of the previous page. */
  async messages(principal: AdminPrincipal, code: string, filter: MessageFilter, limit: number) {
    const operator = await this.operator(principal, code);
    const db = this.services.db.kysely;
    let position: PagePosition | undefined;
    if (filter.before) {
      const last = await db
        .selectFrom('outbox')
        .select(['created_at', 'id'])
        .where('id', '=', filter.before)
        .where('operator_id', '=', operator.id)
        .executeTakeFirst();
      if (!last) throw new DomainError('invalid_request', 'before: no message of this operator has this id.', { fields: ['/before'] });
      position = { createdAt: last.created_at, id: last.id };
    }
    // One branch per kind and status, each a range of the `outbox_operator` index in time order.
    const branches = (filter.kind ? [filter.kind] : OUTBOX_KINDS).flatMap((kind) =>
      (filter.status ? [filter.status] : OUTBOX_STATUSES).map((status) => {
        const query = db.selectFrom('outbox').selectAll().where('operator_id', '=', operator.id).where('kind', '=', kind).where('status', '=', status);
        return position ? query.where(before('created_at', 'id', position)) : query;
      }),
    );
    const rows = await newestFirst(db, branches, limit);
    const ids = rows.map((r) => r.id);
    const log = ids.length === 0 ? [] : await db.selectFrom('deliveries').selectAll().where('outbox_id', 'in', ids).orderBy('at').execute();
    const attemptsOf = new Map<string, typeof log>();
    for (const attempt of log) attemptsOf.set(attempt.outbox_id, [...(attemptsOf.get(attempt.outbox_id) ?? []), attempt]);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      step: row.step,
      validUntil: row.valid_until,
      channel: row.channel,
      to: mask(row.recipient),
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
      lastError: row.last_error,
      sentAt: row.sent_at,
      deliveries: (attemptsOf.get(row.id) ?? []).map((d) => ({
        attempt: d.attempt,
        transport: d.transport,
        ok: d.ok === 1,
        detail: d.detail,
        durationMs: d.duration_ms,
        at: d.at,
      })),
    }));
  }

  /** Puts a dead letter back in the queue, with a fresh set of attempts. */
  async retry(principal: AdminPrincipal, code: string, id: string) {
    const operator = await this.operator(principal, code);
    const result = await this.services.db.kysely
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: this.services.clock.now().toISOString(), lease_until: null })
      .where('id', '=', id)
      .where('operator_id', '=', operator.id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new DomainError('message_not_found', 'No dead message of this operator has this id.');
    return { id, status: 'pending' as const };
  }
}
