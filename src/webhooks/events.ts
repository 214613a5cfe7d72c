/**
 * Events for operators' integrations, written to the outbox in the same transaction as
 * the change they report, one row per subscribed endpoint. An order event carries its
 * data as of the change; a card's lifecycle event (entering expiring-soon, grace,
 * suspension, recycling) is derived from dates, so the daily sweep records it in
 * `card_events` and enqueues its deliveries set-based, with ids that make a second sweep
 * insert nothing.
 */
import type { Kysely } from 'kysely';
import { addDays, type LocalDate } from '../cards/calendar.js';
import type { LifecyclePolicy } from '../cards/lifecycle.js';
import type { Database } from '../db/schema.js';
import { enqueue } from '../notify/message-repository.js';
import { pendingRow } from '../notify/outbox.js';
import { newId } from '../shared/ids.js';
import type { EventType, WebhookEndpoints } from './webhook-endpoints.js';
import { enqueueLifecycleDeliveries, recordLifecycleEvents, WEBHOOK_KIND } from './webhook-repository.js';

/** services.ts registers the webhook composer under it. */
export { WEBHOOK_KIND };

/** The body of an order event; the composer adds the operator's code when it is sent. */
export interface EventBody {
  id: string;
  type: EventType;
  createdAt: string;
  data: unknown;
}

export class EventPublisher {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  async publish(trx: Kysely<Database>, operatorId: string, type: EventType, data: unknown, now: Date): Promise<void> {
    await this.publishAll(trx, operatorId, type, [{ data, at: now }]);
  }

  /** Events of one type, each to every subscribed endpoint, in as few inserts as the batch allows. */
  async publishAll(trx: Kysely<Database>, operatorId: string, type: EventType, events: readonly { data: unknown; at: Date }[]): Promise<void> {
    if (events.length === 0) return;
    const endpoints = await this.endpoints.subscribed(trx, operatorId, type);
    if (endpoints.length === 0) return;
    const rows = events.flatMap(({ data, at }) => {
      const body: EventBody = { id: newId('evt'), type, createdAt: at.toISOString(), data };
      const text = JSON.stringify(body);
      return endpoints.map((endpoint) =>
        pendingRow(
          {
            id: `wh:${endpoint.id}:${body.id}`,
            kind: WEBHOOK_KIND,
            operator_id: operatorId,
            step: type,
            channel: 'webhook',
            recipient: endpoint.id,
            body: text,
          },
          at,
        ),
      );
    });
    await enqueue(trx, rows);
  }

  /**
   * Records the lifecycle events of `day` for the operator's live cards and enqueues their
   * deliveries. Returns how many events were new.
   */
  async lifecycle(trx: Kysely<Database>, operator: { id: string } & LifecyclePolicy, day: LocalDate, now: Date): Promise<number> {
    const at = now.toISOString();
    let recorded = 0;
    for (const [type, validUntil] of lifecycleDates(day, operator)) {
      const event = { operatorId: operator.id, type, validUntil, at };
      recorded += await recordLifecycleEvents(trx, event);
      for (const endpoint of await this.endpoints.subscribed(trx, operator.id, type)) await enqueueLifecycleDeliveries(trx, event, endpoint.id);
    }
    return recorded;
  }
}

/** The `validUntil` of the cards that enter each lifecycle state on `day`. */
export function lifecycleDates(day: LocalDate, policy: LifecyclePolicy): [EventType, LocalDate][] {
  return [
    ['card.expiring_soon', addDays(day, 7)], // daysLeft becomes 7
    ['card.grace', addDays(day, -1)],
    ['card.suspended', addDays(day, -(policy.graceDays + 1))],
    ['card.recycled', addDays(day, -(policy.graceDays + policy.suspendDays + 1))],
  ];
}
