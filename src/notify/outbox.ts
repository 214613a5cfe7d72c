/**
 * The outbox: messages written in the same transaction as the change that causes them,
 * then claimed by a dispatcher. A claim is a lease: the rows are stamped `lease_until`
 * and their attempt counted in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
 * so several workers never take the same row); a worker that dies mid-send leaves the
 * lease to run out and the message to be claimed again.
 */
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { inIds, type JsonColumnType, jsonRows, skipLocked } from '../db/dialect.js';
import type { Database, OutboxKind, OutboxStatus, OutboxTable } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { Channel, MessageChannel } from './transport.js';

export type OutboxRow = OutboxTable;

/** A message with its text known when it is written (a sign-in code, say). */
export interface DirectMessage {
  kind: OutboxKind;
  operatorId: string;
  channel: Channel;
  to: string;
  subject?: string;
  text: string;
  cardId?: string;
}

/** A new pending row: the given columns, due now, everything else empty. */
export function pendingRow(row: Pick<OutboxRow, 'id' | 'kind' | 'operator_id'> & Partial<OutboxRow>, now: Date): OutboxRow {
  const at = now.toISOString();
  return {
    card_id: null,
    valid_until: null,
    step: null,
    channel: null,
    recipient: null,
    subject: null,
    body: null,
    attempts: 0,
    lease_until: null,
    last_error: null,
    provider_id: null,
    sent_at: null,
    ...row,
    status: 'pending',
    next_attempt_at: at,
    created_at: at,
  };
}

/** The outbox's row for a message whose text is known now. */
export function messageRow(message: DirectMessage, now: Date): OutboxRow {
  return pendingRow(
    {
      id: newId('msg'),
      kind: message.kind,
      operator_id: message.operatorId,
      card_id: message.cardId ?? null,
      channel: message.channel,
      recipient: message.to,
      subject: message.subject ?? null,
      body: message.text,
    },
    now,
  );
}

export async function enqueueMessage(trx: Kysely<Database>, message: DirectMessage, now: Date): Promise<string> {
  const row = messageRow(message, now);
  await trx.insertInto('outbox').values(row).execute();
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

/** What became of one claimed message. */
export type Outcome =
  /** `to` only where the row had no recipient yet (a reminder's is resolved when it is sent). */
  | { id: string; status: 'sent'; channel: MessageChannel; to: string | undefined; providerId: string | undefined }
  | { id: string; status: 'retry'; at: Date; error: string }
  | { id: string; status: 'held'; until: Date }
  | { id: string; status: Extract<OutboxStatus, 'dead' | 'skipped' | 'cancelled'>; reason: string };

export interface AttemptLog {
  outboxId: string;
  attempt: number;
  transport: string;
  ok: boolean;
  detail: string | undefined;
  durationMs: number;
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
