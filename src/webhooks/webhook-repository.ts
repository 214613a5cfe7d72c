/**
 * Webhooks in the database: operators' endpoints, and the deliveries of card lifecycle
 * events, recorded in `card_events` and queued in the outbox set-based for every live card
 * the event concerns, with ids that make a second sweep insert nothing (an order event's
 * deliveries are plain outbox rows: `enqueue`). Also what the composer reads to send them.
 * Each function takes the Kysely instance or the transaction it runs in.
 */
import { type Kysely, sql } from 'kysely';
import type { LocalDate } from '../cards/calendar.js';
import type { Database, WebhookEndpointTable } from '../db/schema.js';

export const WEBHOOK_KIND = 'webhook';

export type EndpointRow = WebhookEndpointTable;

/** The operator's switched-on endpoints. */
export function activeEndpoints(db: Kysely<Database>, operatorId: string) {
  return db.selectFrom('webhook_endpoints').select(['id', 'url', 'events']).where('operator_id', '=', operatorId).where('active', '=', 1).execute();
}

export async function insertEndpoint(db: Kysely<Database>, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

/** The operator's endpoints, oldest first. */
export function endpointsOf(db: Kysely<Database>, operatorId: string): Promise<EndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('operator_id', '=', operatorId).orderBy('created_at').execute();
}

export function findEndpoint(db: Kysely<Database>, operatorId: string, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('operator_id', '=', operatorId).executeTakeFirst();
}

/** False when the operator has no endpoint with this id. */
export async function updateEndpoint(db: Kysely<Database>, operatorId: string, id: string, changes: Partial<EndpointRow>): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).where('operator_id', '=', operatorId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Every endpoint's stored signing secret. */
export function allEndpointSecrets(db: Kysely<Database>) {
  return db.selectFrom('webhook_endpoints').select(['id', 'operator_id', 'secret']).orderBy('id').execute();
}

/** Writes the endpoint's secret while it is still `current`; false when it changed meanwhile. */
export async function replaceEndpointSecret(db: Kysely<Database>, id: string, current: string, next: string): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set({ secret: next }).where('id', '=', id).where('secret', '=', current).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The endpoints deliveries go to, as a delivery is signed and sent. */
export async function endpointsById(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('webhook_endpoints').select(['id', 'url', 'secret', 'active']).where('id', 'in', ids).execute();
}

/** The cards a lifecycle event's body names. */
export async function cardsNamed(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('cards').select(['id', 'msisdn', 'iccid']).where('id', 'in', ids).execute();
}

/** A card lifecycle event (`card.grace`, …) for the operator's live cards whose validity ends on `validUntil`. */
export interface LifecycleEvent {
  operatorId: string;
  type: string;
  validUntil: LocalDate;
  /** When it is recorded: the sweep's moment. */
  at: string;
}

/** The cards the event concerns. */
function cardsOf(trx: Kysely<Database>, event: LifecycleEvent) {
  return trx
    .selectFrom('cards as c')
    .where('c.operator_id', '=', event.operatorId)
    .where('c.valid_until', '=', event.validUntil)
    .where('c.retired_at', 'is', null);
}

/** The `card_events` kind of the event: its type without `card.`. */
const kindOf = (event: LifecycleEvent) => event.type.slice('card.'.length);

/** Records the event in each of its cards' `card_events`; returns how many were new. */
export async function recordLifecycleEvents(trx: Kysely<Database>, event: LifecycleEvent): Promise<number> {
  const kind = kindOf(event);
  const eventId = sql<string>`'lc:' || c.id || ':' || c.valid_until || ':' || ${kind}`;
  const result = await trx
    .insertInto('card_events')
    .columns(['id', 'card_id', 'kind', 'detail', 'actor', 'at'])
    .expression(
      cardsOf(trx, event).select([
        eventId.as('id'),
        'c.id',
        sql<string>`${kind}`.as('kind'),
        sql<null>`null`.as('detail'),
        sql<null>`null`.as('actor'),
        sql<string>`${event.at}`.as('at'),
      ]),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Queues the event's delivery to the endpoint for each of its cards; the body is built when it is sent. */
export async function enqueueLifecycleDeliveries(trx: Kysely<Database>, event: LifecycleEvent, endpointId: string): Promise<void> {
  const kind = kindOf(event);
  await trx
    .insertInto('outbox')
    .columns(['id', 'kind', 'operator_id', 'card_id', 'valid_until', 'step', 'channel', 'recipient', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(
      cardsOf(trx, event).select([
        sql<string>`${`wh:${endpointId}:`} || 'lc:' || c.id || ':' || c.valid_until || ':' || ${kind}`.as('id'),
        sql<string>`${WEBHOOK_KIND}`.as('kind'),
        'c.operator_id',
        'c.id',
        'c.valid_until',
        sql<string>`${event.type}`.as('step'),
        sql<string>`'webhook'`.as('channel'),
        sql<string>`${endpointId}`.as('recipient'),
        sql<string>`'pending'`.as('status'),
        sql<number>`0`.as('attempts'),
        sql<string>`${event.at}`.as('next_attempt_at'),
        sql<string>`${event.at}`.as('created_at'),
      ]),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
