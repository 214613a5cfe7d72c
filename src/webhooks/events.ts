/**
 * Events for operators' integrations, written to the outbox in the same transaction as
 * the change they report, one row per subscribed endpoint. An order event carries its
 * data as of the change; a card's lifecycle event (entering expiring-soon, grace,
 * suspension, recycling) is derived from dates, so the daily sweep records it in
 * `card_events` and enqueues its deliveries set-based, with ids that make a second sweep
 * insert nothing.
 */
import { type Kysely, sql } from 'kysely';
import { addDays, type LocalDate } from '../cards/calendar.js';
import type { LifecyclePolicy } from '../cards/lifecycle.js';
import type { Database } from '../db/schema.js';
import { pendingRow } from '../notify/outbox.js';
import { newId } from '../shared/ids.js';
import type { EventType, WebhookEndpoints } from './webhook-endpoints.js';

export const WEBHOOK_KIND = 'webhook';
const ROWS_PER_INSERT = 1000;

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
    // An outbox row is 18 parameters; SQLite takes at most 32 766 in one statement.
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      await trx
        .insertInto('outbox')
        .values(rows.slice(start, start + ROWS_PER_INSERT))
        .execute();
    }
  }

  /**
   * Records the lifecycle events of `day` for the operator's live cards and enqueues their
   * deliveries. Returns how many events were new.
   */
  async lifecycle(trx: Kysely<Database>, operator: { id: string } & LifecyclePolicy, day: LocalDate, now: Date): Promise<number> {
    const nowIso = now.toISOString();
    let recorded = 0;
    for (const [type, validUntil] of lifecycleDates(day, operator)) {
      const kind = type.slice('card.'.length);
      const cards = trx
        .selectFrom('cards as c')
        .where('c.operator_id', '=', operator.id)
        .where('c.valid_until', '=', validUntil)
        .where('c.retired_at', 'is', null);
      const eventId = sql<string>`'lc:' || c.id || ':' || c.valid_until || ':' || ${kind}`;
      const result = await trx
        .insertInto('card_events')
        .columns(['id', 'card_id', 'kind', 'detail', 'actor', 'at'])
        .expression(
          cards.select([
            eventId.as('id'),
            'c.id',
            sql<string>`${kind}`.as('kind'),
            sql<null>`null`.as('detail'),
            sql<null>`null`.as('actor'),
            sql<string>`${nowIso}`.as('at'),
          ]),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      recorded += Number(result.numInsertedOrUpdatedRows ?? 0n);
      for (const endpoint of await this.endpoints.subscribed(trx, operator.id, type)) {
        await trx
          .insertInto('outbox')
          .columns([
            'id',
            'kind',
            'operator_id',
            'card_id',
            'valid_until',
            'step',
            'channel',
            'recipient',
            'status',
            'attempts',
            'next_attempt_at',
            'created_at',
          ])
          .expression(
            cards.select([
              sql<string>`${`wh:${endpoint.id}:`} || 'lc:' || c.id || ':' || c.valid_until || ':' || ${kind}`.as('id'),
              sql<string>`${WEBHOOK_KIND}`.as('kind'),
              'c.operator_id',
              'c.id',
              'c.valid_until',
              sql<string>`${type}`.as('step'),
              sql<string>`'webhook'`.as('channel'),
              sql<string>`${endpoint.id}`.as('recipient'),
              sql<string>`'pending'`.as('status'),
              sql<number>`0`.as('attempts'),
              sql<string>`${nowIso}`.as('next_attempt_at'),
              sql<string>`${nowIso}`.as('created_at'),
            ]),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
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
