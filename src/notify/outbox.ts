/**
 * The outbox: messages written in the same transaction as the change that causes them,
 * then claimed by a dispatcher. A claim is a lease: the rows are stamped `lease_until`
 * and their attempt counted in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
 * so several workers never take the same row); a worker that dies mid-send leaves the
 * lease to run out and the message to be claimed again.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import { skipLocked } from '../db/dialect.js';
import type { Database, OutboxStatus, OutboxTable } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { Channel, MessageChannel } from './transport.js';

export type OutboxRow = OutboxTable;

/** A message with its text known when it is written (a sign-in code, say). */
export interface DirectMessage {
  kind: string;
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

export async function enqueueMessage(trx: Kysely<Database>, message: DirectMessage, now: Date): Promise<string> {
  const id = newId('msg');
  await trx
    .insertInto('outbox')
    .values(
      pendingRow(
        {
          id,
          kind: message.kind,
          operator_id: message.operatorId,
          card_id: message.cardId ?? null,
          channel: message.channel,
          recipient: message.to,
          subject: message.subject ?? null,
          body: message.text,
        },
        now,
      ),
    )
    .execute();
  return id;
}

/** Leases up to `limit` due messages, oldest first, counting the attempt. */
export async function claimDue(db: Db, now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  return db.kysely
    .updateTable('outbox')
    .set((eb) => ({ lease_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      skipLocked(
        db.dialect,
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', nowIso)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', nowIso)]))
          .orderBy('next_attempt_at')
          .limit(limit),
      ),
    )
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

/** Records a batch's outcomes and its delivery log in one transaction. */
export async function recordOutcomes(db: Db, outcomes: Outcome[], attempts: AttemptLog[], now: Date): Promise<void> {
  const nowIso = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    for (const outcome of outcomes) {
      const row = trx.updateTable('outbox').where('id', '=', outcome.id);
      switch (outcome.status) {
        case 'sent':
          await row
            .set({
              status: 'sent',
              sent_at: nowIso,
              channel: outcome.channel,
              ...(outcome.to === undefined ? {} : { recipient: outcome.to }),
              provider_id: outcome.providerId ?? null,
              lease_until: null,
            })
            .execute();
          break;
        case 'retry':
          await row.set({ next_attempt_at: outcome.at.toISOString(), last_error: outcome.error, lease_until: null }).execute();
          break;
        case 'held':
          // Quiet hours are not a failed attempt.
          await row.set((eb) => ({ next_attempt_at: outcome.until.toISOString(), attempts: eb('attempts', '-', 1), lease_until: null })).execute();
          break;
        default:
          await row.set({ status: outcome.status, last_error: outcome.reason, lease_until: null }).execute();
      }
    }
    if (attempts.length > 0) {
      await trx
        .insertInto('deliveries')
        .values(
          attempts.map((a) => ({
            id: newId('dl'),
            outbox_id: a.outboxId,
            attempt: a.attempt,
            transport: a.transport,
            ok: a.ok ? 1 : 0,
            detail: a.detail ?? null,
            duration_ms: a.durationMs,
            at: nowIso,
          })),
        )
        .execute();
    }
  });
}
