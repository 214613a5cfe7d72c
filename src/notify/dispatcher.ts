/**
 * The dispatcher: claims due outbox rows in batches, has each kind's composer turn them
 * into messages (or drop them: a reminder for a card renewed meanwhile is cancelled),
 * holds SMS reminders through the operator's quiet hours, sends through the operator's
 * transport for the channel, and records every outcome with its delivery log. A failure
 * is retried with backoff; a permanent one, or the last allowed attempt, is a dead letter.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { type Keyring, UnreadableSecret } from '../platform/sealed.js';
import type { Clock } from '../shared/clock.js';
import { claimDue, recordOutcomes } from './message-repository.js';
import type { NotificationSettingsStore } from './notification-settings.js';
import type { AttemptLog, OutboxRow, Outcome } from './outbox.js';
import { quietUntil } from './quiet-hours.js';
import { retryDelay } from './retry.js';
import { type Delivery, DeliveryError, type MessageChannel, type OutgoingMessage, type Transport } from './transport.js';
import type { TransportPool } from './transport-pool.js';

export type Composition =
  | { action: 'send'; message: OutgoingMessage; quietHours: boolean }
  | { action: 'drop'; status: 'skipped' | 'cancelled'; reason: string };

/** Turns claimed rows of one kind into messages, a batch at a time (one query, not one per row). */
export interface Composer {
  compose(rows: OutboxRow[], now: Date): Promise<Map<string, Composition>>;
}

/** Where a message's text is sealed (a sign-in code's): its outbox row's body. */
export const messageBodyPlace = (id: string) => `outbox/${id}/body`;

/** Rows whose text was written with them, in clear or (a sign-in code's) sealed under the master key. */
export function directComposer(keyring: Keyring): Composer {
  return {
    async compose(rows) {
      const out = new Map<string, Composition>();
      for (const row of rows) {
        if (!row.channel || !row.recipient || row.body === null) {
          out.set(row.id, { action: 'drop', status: 'skipped', reason: 'incomplete message' });
          continue;
        }
        let text: string;
        try {
          text = keyring.open(row.body, messageBodyPlace(row.id));
        } catch (error) {
          if (!(error instanceof UnreadableSecret)) throw error;
          out.set(row.id, { action: 'drop', status: 'skipped', reason: `secret_unreadable: ${error.message}` });
          continue;
        }
        const message: OutgoingMessage = { id: row.id, channel: row.channel, to: row.recipient, text, operator: row.operator_id };
        if (row.subject !== null) message.subject = row.subject;
        out.set(row.id, { action: 'send', message, quietHours: false });
      }
      return out;
    },
  };
}

export interface DispatcherOptions {
  batchSize: number;
  leaseMs: number;
  maxAttempts: number;
  /** Messages in flight at once. */
  concurrency: number;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  dropped: number;
  held: number;
}

export class Dispatcher {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly settings: NotificationSettingsStore,
    private readonly transports: TransportPool,
    private readonly composers: Record<string, Composer>,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions,
  ) {}

  /** Dispatches batches until none is full; returns the totals. */
  async drain(maxBatches = 100): Promise<DispatchReport> {
    const total: DispatchReport = { claimed: 0, sent: 0, retried: 0, dead: 0, dropped: 0, held: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const report = await this.dispatchBatch();
      for (const key of Object.keys(total) as (keyof DispatchReport)[]) total[key] += report[key];
      if (report.claimed < this.options.batchSize) break;
    }
    return total;
  }

  async dispatchBatch(): Promise<DispatchReport> {
    const now = this.clock.now();
    const rows = await claimDue(this.db, now, this.options.batchSize, this.options.leaseMs);
    const compositions = await this.compose(rows, now);
    const outcomes: Outcome[] = [];
    const attempts: AttemptLog[] = [];
    // Messages going out, by operator and channel: each group is one transport's batch.
    const groups = new Map<string, { operatorId: string; channel: MessageChannel; sends: { row: OutboxRow; message: OutgoingMessage }[] }>();
    const quiet = new Map<string, Promise<Date | undefined>>();
    for (const row of rows) {
      const composition = compositions.get(row.id) ?? { action: 'drop', status: 'skipped', reason: `no composer for kind "${row.kind}"` };
      if (composition.action === 'drop') {
        outcomes.push({ id: row.id, status: composition.status, reason: composition.reason });
        continue;
      }
      const { message } = composition;
      if (composition.quietHours && message.channel === 'sms') {
        if (!quiet.has(row.operator_id)) quiet.set(row.operator_id, this.quietUntil(row.operator_id, now));
        const until = await quiet.get(row.operator_id);
        if (until) {
          outcomes.push({ id: row.id, status: 'held', until });
          continue;
        }
      }
      const key = `${row.operator_id}\n${message.channel}`;
      const group = groups.get(key) ?? { operatorId: row.operator_id, channel: message.channel, sends: [] };
      group.sends.push({ row, message });
      groups.set(key, group);
    }
    const tasks: (() => Promise<void>)[] = [];
    for (const group of groups.values()) {
      tasks.push(...(await this.sendTasks(group.operatorId, group.channel, group.sends, outcomes, attempts)));
    }
    await runLimited(tasks, this.options.concurrency);
    await recordOutcomes(this.db, outcomes, attempts, this.clock.now());
    const count = (...statuses: Outcome['status'][]) => outcomes.filter((o) => statuses.includes(o.status)).length;
    return {
      claimed: rows.length,
      sent: count('sent'),
      retried: count('retry'),
      dead: count('dead'),
      dropped: count('skipped', 'cancelled'),
      held: count('held'),
    };
  }

  /** One task for a transport that sends a batch at once, else one task per message. */
  private async sendTasks(
    operatorId: string,
    channel: MessageChannel,
    sends: { row: OutboxRow; message: OutgoingMessage }[],
    outcomes: Outcome[],
    log: AttemptLog[],
  ): Promise<(() => Promise<void>)[]> {
    let transport: Transport;
    try {
      transport = await this.transports.for(operatorId, channel);
    } catch (error) {
      for (const { row } of sends) outcomes.push(this.failed(row, error, 'none', 0, log));
      return [];
    }
    const { sendBatch } = transport;
    if (sendBatch) {
      return [
        async () => {
          const started = performance.now();
          const results = await sendBatch
            .call(
              transport,
              sends.map((s) => s.message),
            )
            .catch((error: unknown) => sends.map(() => ({ ok: false as const, error })));
          const durationMs = elapsed(started);
          sends.forEach(({ row, message }, i) => {
            const result = results[i] ?? { ok: false as const, error: new DeliveryError('the transport gave no answer for this message') };
            outcomes.push(
              result.ok
                ? this.sent(row, message, transport.kind, result.delivery, durationMs, log)
                : this.failed(row, result.error, transport.kind, durationMs, log),
            );
          });
        },
      ];
    }
    return sends.map(({ row, message }) => async () => {
      const started = performance.now();
      try {
        const delivery = await transport.send(message);
        outcomes.push(this.sent(row, message, transport.kind, delivery, elapsed(started), log));
      } catch (error) {
        outcomes.push(this.failed(row, error, transport.kind, elapsed(started), log));
      }
    });
  }

  private async compose(rows: OutboxRow[], now: Date): Promise<Map<string, Composition>> {
    const byKind = new Map<string, OutboxRow[]>();
    for (const row of rows) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
    const all = new Map<string, Composition>();
    for (const [kind, group] of byKind) {
      const composer = this.composers[kind];
      if (!composer) continue;
      for (const [id, composition] of await composer.compose(group, now)) all.set(id, composition);
    }
    return all;
  }

  private async quietUntil(operatorId: string, now: Date): Promise<Date | undefined> {
    const operator = await this.catalog.operatorById(operatorId);
    if (!operator) return undefined;
    const { quietHours } = await this.settings.of(operatorId);
    return quietUntil(now, operator.timeZone, quietHours);
  }

  private sent(row: OutboxRow, message: OutgoingMessage, kind: string, delivery: Delivery, durationMs: number, log: AttemptLog[]): Outcome {
    log.push({ outboxId: row.id, attempt: row.attempts, transport: kind, ok: true, detail: delivery.providerId, durationMs });
    // A row that names its recipient keeps it (a webhook's names the endpoint, for replays).
    return { id: row.id, status: 'sent', channel: message.channel, to: row.recipient === null ? message.to : undefined, providerId: delivery.providerId };
  }

  private failed(row: OutboxRow, error: unknown, kind: string, durationMs: number, log: AttemptLog[]): Outcome {
    const detail = error instanceof Error ? error.message.slice(0, 500) : String(error);
    log.push({ outboxId: row.id, attempt: row.attempts, transport: kind, ok: false, detail, durationMs });
    const permanent = error instanceof DeliveryError && error.permanent;
    if (permanent || row.attempts >= this.options.maxAttempts) return { id: row.id, status: 'dead', reason: detail };
    return { id: row.id, status: 'retry', at: new Date(this.clock.now().getTime() + retryDelay(row.attempts)), error: detail };
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
