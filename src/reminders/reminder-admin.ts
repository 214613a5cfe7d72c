/**
 * The operator's view of reminders and messages: its notification settings (transport
 * secrets redacted), the reminders due in the coming days, counts by status, the dead
 * letters with their delivery log, and sending a dead letter again.
 */

import { addDays, todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import { type AdminPrincipal, assertMayActFor } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import type { PagePosition } from '../db/newest-first.js';
import type { OutboxKind, OutboxStatus } from '../db/schema.js';
import { deliveryLogOf, messagePosition, newestMessages, requeueDead } from '../notify/message-repository.js';
import type { NotificationSettings, NotificationSettingsStore, SettingsChange } from '../notify/notification-settings.js';
import { redactTransportSettings } from '../notify/transport-settings.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, operatorNotFound } from '../shared/errors.js';
import { maskMsisdn } from '../shared/msisdn.js';
import { maskEmail } from './contact-service.js';
import { remindableCardsByValidUntil, reminderCounts } from './reminder-repository.js';
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
    if (!operator) throw operatorNotFound(code);
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
    const dates = schedule.flatMap((step) => [targetValidUntil(step, today, operator), targetValidUntil(step, addDays(today, days - 1), operator)]);
    const sorted = [...dates].sort();
    const from = sorted[0] ?? today;
    const to = sorted.at(-1) ?? today;
    const cards = await remindableCardsByValidUntil(this.services.db.kysely, operator.id, from, to);
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
      messages: await reminderCounts(this.services.db.kysely, operator.id, messagesSince),
      messagesSince,
    };
  }

  /** The newest messages first, a page at a time: `before` is the last message of the previous page. */
  async messages(principal: AdminPrincipal, code: string, filter: MessageFilter, limit: number) {
    const operator = await this.operator(principal, code);
    const db = this.services.db.kysely;
    let before: PagePosition | undefined;
    if (filter.before) {
      before = await messagePosition(db, operator.id, filter.before);
      if (!before)
        throw new DomainError(
          'invalid_request',
          { 'zh-CN': 'before：该运营商没有这个 ID 的消息。', en: 'before: no message of this operator has this id.' },
          { fields: ['/before'] },
        );
    }
    const rows = await newestMessages(db, operator.id, { kind: filter.kind, status: filter.status, before }, limit);
    const ids = rows.map((r) => r.id);
    const log = await deliveryLogOf(db, ids);
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
    if (!(await requeueDead(this.services.db.kysely, operator.id, id, this.services.clock.now())))
      throw new DomainError('message_not_found', { 'zh-CN': '该运营商没有这个 ID 的投递失败消息。', en: 'No dead message of this operator has this id.' });
    return { id, status: 'pending' as const };
  }
}
