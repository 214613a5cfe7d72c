/**
 * The outbox's rows as plain data: messages written in the same transaction as the change
 * that causes them, then claimed by the dispatcher, which reports what became of each
 * (`Outcome`) with its delivery log. The queries are in message-repository.ts.
 */
import type { OutboxKind, OutboxStatus, OutboxTable } from '../db/schema.js';
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
