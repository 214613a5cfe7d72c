/**
 * The outbox in the database: messages written in the same transaction as the change that
 * causes them, then claimed by a dispatcher. A claim is a lease: the rows are stamped
 * `lease_until` and their attempt counted in one statement (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL, so several workers never take the same row); a worker that dies mid-send
 * leaves the lease to run out and the message to be claimed again. Also the operator's
 * view of its messages (newest first, with their delivery log, a dead letter sent again)
 * and each operator's notification settings row. Each function takes the Kysely instance
 * or the transaction it runs in (`Db` where the dialect picks the SQL).
 */
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { inIds, type JsonColumnType, jsonRows, skipLocked } from '../db/dialect.js';
import { before, newestFirst, type PagePosition } from '../db/newest-first.js';
import {
  type Database,
  type DeliveryTable,
  type NotificationSettingsTable,
  OUTBOX_KINDS,
  OUTBOX_STATUSES,
  type OutboxKind,
  type OutboxStatus,
} from '../db/schema.js';
import { newId } from '../shared/ids.js';
import { type AttemptLog, type DirectMessage, messageRow, type OutboxRow, type Outcome } from './outbox.js';

export type DeliveryRow = DeliveryTable;
export type NotificationSettingsRow = NotificationSettingsTable;

const ROWS_PER_INSERT = 1000;

/** Writes the rows, in as few inserts as their number allows. */
export async function enqueue(db: Kysely<Database>, rows: readonly OutboxRow[]): Promise<void> {
  // An outbox row is 18 parameters; SQLite takes at most 32 766 in one statement.
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db
      .insertInto('outbox')
      .values(rows.slice(start, start + ROWS_PER_INSERT))
      .execute();
  }
}

/** Writes one message; `seal`, given, turns its text into what is stored (a sign-in code's, sealed under the master key). */
export async function enqueueMessage(trx: Kysely<Database>, message: DirectMessage, now: Date, seal?: (text: string, id: string) => string): Promise<string> {
  const row = messageRow(message, now);
  if (seal && row.body !== null) row.body = seal(row.body, row.id);
  await enqueue(trx, [row]);
  return row.id;
}

/**
 * Leases up to `limit` due messages, oldest first, counting the attempt. The claimed ids
 * reach the update through `inIds`: as a plain `id in (…)`, PostgreSQL hashed them and
 * scanned the whole outbox, sent messages and all, for every batch.
 */
export async function claimDue(db: Db, now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  const due = skipLocked(
    db.dialect,
    db.kysely
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(limit),
  );
  return db.kysely
    .updateTable('outbox')
    .set((eb) => ({ lease_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: eb('attempts', '+', 1) }))
    .where(inIds(db.dialect, 'id', due))
    .returningAll()
    .execute();
}

/** The columns an outcome sets; null keeps the row's value. */
const OUTCOME_COLUMNS = {
  id: 'text',
  status: 'text',
  sent_at: 'text',
  channel: 'text',
  recipient: 'text',
  provider_id: 'text',
  next_attempt_at: 'text',
  last_error: 'text',
  /** 1 when the claim's attempt is given back (quiet hours are not a failed attempt). */
  attempt_refund: 'integer',
} satisfies Record<string, JsonColumnType>;

const DELIVERY_COLUMNS = {
  id: 'text',
  outbox_id: 'text',
  attempt: 'integer',
  transport: 'text',
  ok: 'integer',
  detail: 'text',
  duration_ms: 'integer',
  at: 'text',
} satisfies Record<string, JsonColumnType>;

type Row<C> = { [K in keyof C]: C[K] extends 'integer' ? number : string | null };

function outcomeRow(outcome: Outcome, nowIso: string): Row<typeof OUTCOME_COLUMNS> {
  const row = {
    id: outcome.id,
    status: 'pending',
    sent_at: null,
    channel: null,
    recipient: null,
    provider_id: null,
    next_attempt_at: null,
    last_error: null,
    attempt_refund: 0,
  };
  switch (outcome.status) {
    case 'sent':
      return { ...row, status: 'sent', sent_at: nowIso, channel: outcome.channel, recipient: outcome.to ?? null, provider_id: outcome.providerId ?? null };
    case 'retry':
      return { ...row, next_attempt_at: outcome.at.toISOString(), last_error: outcome.error };
    case 'held':
      return { ...row, next_attempt_at: outcome.until.toISOString(), attempt_refund: 1 };
    default:
      return { ...row, status: outcome.status, last_error: outcome.reason };
  }
}

/**
 * Records a batch's outcomes and its delivery log in one transaction of two statements,
 * whatever the batch's size: each is set-based over the batch sent as one JSON parameter.
 */
export async function recordOutcomes(db: Db, outcomes: Outcome[], attempts: AttemptLog[], now: Date): Promise<void> {
  if (outcomes.length === 0 && attempts.length === 0) return;
  const nowIso = now.toISOString();
  const changes = jsonRows(
    db.dialect,
    outcomes.map((outcome) => outcomeRow(outcome, nowIso)),
    OUTCOME_COLUMNS,
    'v',
  );
  const log = attempts.map(
    (a): Row<typeof DELIVERY_COLUMNS> => ({
      id: newId('dl'),
      outbox_id: a.outboxId,
      attempt: a.attempt,
      transport: a.transport,
      ok: a.ok ? 1 : 0,
      detail: a.detail ?? null,
      duration_ms: a.durationMs,
      at: nowIso,
    }),
  );
  const logColumns = sql.raw(Object.keys(DELIVERY_COLUMNS).join(', '));
  await db.kysely.transaction().execute(async (trx) => {
    if (outcomes.length > 0) {
      await sql`
        update outbox set
          status = v.status,
          sent_at = coalesce(v.sent_at, outbox.sent_at),
          channel = coalesce(v.channel, outbox.channel),
          recipient = coalesce(v.recipient, outbox.recipient),
          provider_id = coalesce(v.provider_id, outbox.provider_id),
          next_attempt_at = coalesce(v.next_attempt_at, outbox.next_attempt_at),
          last_error = coalesce(v.last_error, outbox.last_error),
          attempts = outbox.attempts - v.attempt_refund,
          lease_until = null
        from ${changes}
        where outbox.id = v.id`.execute(trx);
    }
    if (log.length > 0) {
      await sql`insert into deliveries (${logColumns}) select ${logColumns} from ${jsonRows(db.dialect, log, DELIVERY_COLUMNS, 'd')}`.execute(trx);
    }
  });
}

/** The operator's message of this kind with this id. */
export function messageOf(db: Kysely<Database>, operatorId: string, kind: OutboxKind, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).where('operator_id', '=', operatorId).where('kind', '=', kind).executeTakeFirst();
}

/** Where a page that ends with the operator's message `id` ends; undefined when it has no such message. */
export async function messagePosition(db: Kysely<Database>, operatorId: string, id: string): Promise<PagePosition | undefined> {
  const last = await db.selectFrom('outbox').select(['created_at', 'id']).where('id', '=', id).where('operator_id', '=', operatorId).executeTakeFirst();
  return last && { createdAt: last.created_at, id: last.id };
}

export interface MessageSelection {
  kind?: OutboxKind | undefined;
  status?: OutboxStatus | undefined;
  before?: PagePosition | undefined;
}

/** The operator's newest messages, of the kind and status when given, before the position when given. */
export function newestMessages(db: Kysely<Database>, operatorId: string, selection: MessageSelection, limit: number): Promise<OutboxRow[]> {
  const position = selection.before;
  // One branch per kind and status, each a range of the `outbox_operator` index in time order.
  const branches = (selection.kind ? [selection.kind] : OUTBOX_KINDS).flatMap((kind) =>
    (selection.status ? [selection.status] : OUTBOX_STATUSES).map((status) => {
      const query = db.selectFrom('outbox').selectAll().where('operator_id', '=', operatorId).where('kind', '=', kind).where('status', '=', status);
      return position ? query.where(before('created_at', 'id', position)) : query;
    }),
  );
  return newestFirst(db, branches, limit);
}

/** The delivery attempts of the messages, oldest first. */
export async function deliveryLogOf(db: Kysely<Database>, outboxIds: readonly string[]): Promise<DeliveryRow[]> {
  if (outboxIds.length === 0) return [];
  return db.selectFrom('deliveries').selectAll().where('outbox_id', 'in', outboxIds).orderBy('at').execute();
}

/** Puts the operator's dead letter back in the queue with a fresh set of attempts; false when it has no dead message with this id. */
export async function requeueDead(db: Kysely<Database>, operatorId: string, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString(), lease_until: null })
    .where('id', '=', id)
    .where('operator_id', '=', operatorId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function notificationSettingsOf(db: Kysely<Database>, operatorId: string): Promise<NotificationSettingsRow | undefined> {
  return db.selectFrom('notification_settings').selectAll().where('operator_id', '=', operatorId).executeTakeFirst();
}

export async function saveNotificationSettings(db: Kysely<Database>, operatorId: string, row: Omit<NotificationSettingsRow, 'operator_id'>): Promise<void> {
  await db
    .insertInto('notification_settings')
    .values({ operator_id: operatorId, ...row })
    .onConflict((oc) => oc.column('operator_id').doUpdateSet(row))
    .execute();
}

/**
 * The messages due now and since when the oldest of them is due (null when none), for the
 * metrics: a range of the `outbox_due` index (pending, by next attempt).
 */
export async function dueBacklog(db: Kysely<Database>, now: Date): Promise<{ due: number; oldestDueAt: string | null }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('due'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirstOrThrow();
  return { due: Number(row.due), oldestDueAt: row.oldest ?? null };
}

/**
 * Each operator's dead letters by kind, for the metrics: one count per operator and kind,
 * each a range of the `outbox_operator` index (operator, kind, status).
 */
export async function deadLettersByOperator(db: Kysely<Database>): Promise<{ operator: string; kind: OutboxKind; dead: number }[]> {
  const rows = await db
    .selectFrom('operators')
    .select((eb) => [
      'operators.code as operator',
      ...OUTBOX_KINDS.map((kind) =>
        eb
          .selectFrom('outbox')
          .select((o) => o.fn.countAll<number>().as('n'))
          .whereRef('outbox.operator_id', '=', 'operators.id')
          .where('outbox.kind', '=', kind)
          .where('outbox.status', '=', 'dead')
          .$asScalar()
          .as(kind),
      ),
    ])
    .orderBy('operators.code')
    .execute();
  return rows.flatMap((row) => OUTBOX_KINDS.map((kind) => ({ operator: row.operator, kind, dead: Number((row as Record<string, unknown>)[kind]) })));
}

export type TransportColumn = 'sms_transport' | 'email_transport';

/** Every operator's stored transport settings. */
export function allTransportSettings(db: Kysely<Database>) {
  return db.selectFrom('notification_settings').select(['operator_id', 'sms_transport', 'email_transport']).orderBy('operator_id').execute();
}

/** Writes a channel's settings while they are still `current`; false when they changed meanwhile. */
export async function replaceTransportSettings(
  db: Kysely<Database>,
  operatorId: string,
  column: TransportColumn,
  current: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('notification_settings')
    .set({ [column]: next })
    .where('operator_id', '=', operatorId)
    .where(column, '=', current)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
