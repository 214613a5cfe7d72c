/**
 * Each operator's notification settings: the reminder schedule with its templates, quiet
 * hours, and the transport per channel. An operator without a row gets the built-in
 * schedule, 21:00–09:00 quiet hours and the console-and-file outbox. The transports' settings
 * are stored sealed under the master key (transport-secrets.ts). Read through a short
 * per-process cache, like the catalog.
 */
import type { Db } from '../db/database.js';
import { type Keyring, UnreadableSecret, unreadableSecret } from '../platform/sealed.js';
import { DEFAULT_SCHEDULE, LOCALES, type ReminderStep, unknownPlaceholders } from '../reminders/schedule.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { type NotificationSettingsRow, notificationSettingsOf, saveNotificationSettings } from './message-repository.js';
import { DEFAULT_QUIET_HOURS, isClockTime, type QuietHours } from './quiet-hours.js';
import type { Channel } from './transport.js';
import { openTransport, sealTransport, transportColumn } from './transport-secrets.js';
import { type EmailTransportSettings, parseTransportSettings, type SmsTransportSettings, type TransportSettings } from './transport-settings.js';

export interface NotificationSettings {
  schedule: readonly ReminderStep[];
  quietHours: QuietHours;
  transports: { sms: SmsTransportSettings; email: EmailTransportSettings };
  /** False while the operator has kept every default. */
  customised: boolean;
}

export const DEFAULT_SETTINGS: NotificationSettings = {
  schedule: DEFAULT_SCHEDULE,
  quietHours: DEFAULT_QUIET_HOURS,
  transports: { sms: { kind: 'console' }, email: { kind: 'console' } },
  customised: false,
};

export interface SettingsChange {
  schedule?: ReminderStep[] | null;
  quietHours?: QuietHours;
  transports?: { sms?: unknown; email?: unknown };
}

const TTL_MS = 2000;

export class NotificationSettingsStore {
  private readonly cache = new Map<string, { value: NotificationSettings; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
  ) {}

  /** The operator's settings, transports opened; `secret_unreadable` when this process lacks the master key they were sealed under. */
  async of(operatorId: string): Promise<NotificationSettings> {
    const hit = this.cache.get(operatorId);
    const now = Date.now();
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const row = await notificationSettingsOf(this.db.kysely, operatorId);
    const value: NotificationSettings = row
      ? {
          schedule: row.schedule === null ? DEFAULT_SCHEDULE : (JSON.parse(row.schedule) as ReminderStep[]),
          quietHours: { start: row.quiet_start, end: row.quiet_end },
          transports: { sms: this.transportOf(row, 'sms'), email: this.transportOf(row, 'email') },
          customised: true,
        }
      : DEFAULT_SETTINGS;
    this.cache.set(operatorId, { value, at: now });
    return value;
  }

  private transportOf<C extends Channel>(row: NotificationSettingsRow, channel: C): NotificationSettings['transports'][C];
  private transportOf(row: NotificationSettingsRow, channel: Channel): TransportSettings {
    const stored = row[transportColumn(channel)];
    if (stored === null) return DEFAULT_SETTINGS.transports[channel];
    try {
      return openTransport(this.keyring, row.operator_id, channel, stored);
    } catch (error) {
      if (error instanceof UnreadableSecret) throw unreadableSecret(error, `the ${channel} transport settings`);
      throw error;
    }
  }

  /**
   * Applies a change after checking all of it; `schedule: null` goes back to the built-in
   * one. A channel whose settings no longer open (their master key is lost) takes them
   * entered again whole; until then other changes answer `secret_unreadable`.
   */
  async update(operatorId: string, change: SettingsChange): Promise<NotificationSettings> {
    if (change.schedule === undefined && change.quietHours === undefined && change.transports === undefined) return this.of(operatorId);
    const stored = await notificationSettingsOf(this.db.kysely, operatorId);
    // A channel left alone that does not open (its master key lost) is refused before anything is written.
    for (const channel of ['sms', 'email'] as const) if (stored && change.transports?.[channel] === undefined) this.transportOf(stored, channel);
    const schedule =
      change.schedule === undefined ? (stored?.schedule ?? null) : change.schedule === null ? null : JSON.stringify(checkSchedule(change.schedule));
    const quietHours =
      change.quietHours === undefined
        ? stored
          ? { start: stored.quiet_start, end: stored.quiet_end }
          : DEFAULT_QUIET_HOURS
        : checkQuietHours(change.quietHours);
    const row = {
      schedule,
      quiet_start: quietHours.start,
      quiet_end: quietHours.end,
      sms_transport: this.storedTransport(operatorId, stored, 'sms', change.transports?.sms),
      email_transport: this.storedTransport(operatorId, stored, 'email', change.transports?.email),
      updated_at: this.clock.now().toISOString(),
    };
    await saveNotificationSettings(this.db.kysely, operatorId, row);
    this.cache.delete(operatorId);
    return this.of(operatorId);
  }

  /** The text to store for a channel: unchanged, or the change checked, with `***` kept from what is stored, sealed. */
  private storedTransport(operatorId: string, stored: NotificationSettingsRow | undefined, channel: Channel, change: unknown): string | null {
    const current = stored?.[transportColumn(channel)] ?? null;
    if (change === undefined) return current;
    let previous: TransportSettings = DEFAULT_SETTINGS.transports[channel];
    try {
      if (stored && current !== null) previous = this.transportOf(stored, channel);
    } catch (error) {
      // Unreadable (its master key lost): the change must give the settings whole.
      if (!(error instanceof DomainError && error.code === 'secret_unreadable')) throw error;
    }
    const next = keepSecrets(transport(channel, change), previous);
    return next.kind === 'console' ? null : sealTransport(this.keyring, operatorId, channel, next);
  }
}

/**
 * Settings read from the admin API come back with secrets as `***`; saving them again
 * keeps the stored secret instead of overwriting it.
 */
function keepSecrets<T extends TransportSettings>(incoming: T, current: TransportSettings): T {
  const next = structuredClone(incoming) as Record<string, unknown>;
  const stored = current as Record<string, unknown>;
  if (next.password === REDACTED) next.password = stored.password;
  const headers = next.headers as Record<string, string> | undefined;
  const storedHeaders = (stored.headers ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === REDACTED && headers && storedHeaders[name] !== undefined) headers[name] = storedHeaders[name];
  }
  return next as T;
}

const REDACTED = '***';

function transport(channel: Channel, value: unknown) {
  try {
    return parseTransportSettings(channel, value);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const message = { 'zh-CN': `transports.${channel}：${error.text['zh-CN']}`, en: `transports.${channel}: ${error.text.en}` };
    throw new DomainError('invalid_request', message, { fields: [`/transports/${channel}`] });
  }
}

function checkQuietHours(quiet: QuietHours): QuietHours {
  for (const [name, value] of Object.entries(quiet)) {
    if (!isClockTime(value))
      throw new DomainError(
        'invalid_request',
        { 'zh-CN': `quietHours.${name}：请使用 24 小时制的 HH:MM（例如 21:00）。`, en: `quietHours.${name}: use HH:MM, 24-hour (e.g. 21:00).` },
        { fields: [`/quietHours/${name}`] },
      );
  }
  return quiet;
}

function checkSchedule(steps: ReminderStep[]): ReminderStep[] {
  const seen = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (seen.has(step.code))
      throw new DomainError(
        'invalid_request',
        { 'zh-CN': `schedule[${i}].code：“${step.code}”出现了两次。`, en: `schedule[${i}].code: "${step.code}" is used twice.` },
        { fields: [`/schedule/${i}/code`] },
      );
    seen.add(step.code);
    for (const locale of LOCALES) {
      for (const part of ['text', 'subject'] as const) {
        const unknown = unknownPlaceholders(step.templates[locale][part]);
        if (unknown.length > 0) {
          const where = `schedule[${i}].templates.${locale}.${part}`;
          throw new DomainError(
            'invalid_request',
            { 'zh-CN': `${where}：未知的占位符 {{${unknown[0]}}}。`, en: `${where}: unknown placeholder {{${unknown[0]}}}.` },
            {
              fields: [`/schedule/${i}/templates/${locale}/${part}`],
            },
          );
        }
      }
    }
  }
  return steps;
}
