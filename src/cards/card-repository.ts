/**
 * Cards in the database: found by MSISDN among the cards still in use, extended, blocked
 * and swapped (`registerCards` creates them, a batch at a time). Each function takes the
 * Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import type { CardTable, Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { CardState } from './lifecycle.js';

export type CardRow = CardTable;

export function cardState(row: CardRow): CardState {
  return { validUntil: row.valid_until, anchorDay: row.anchor_day, blocked: row.blocked === 1 };
}

export function findLiveCard(db: Kysely<Database>, msisdn: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('msisdn', '=', msisdn).where('retired_at', 'is', null).executeTakeFirst();
}

export function findLiveCardByIccid(db: Kysely<Database>, iccid: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('iccid', '=', iccid).where('retired_at', 'is', null).executeTakeFirst();
}

/** The card, locked until the transaction ends (renewals of one card serialise on this). */
export function lockCard(db: Kysely<Database>, dialect: DialectName, id: string): Promise<CardRow> {
  return forUpdate(dialect, db.selectFrom('cards').selectAll().where('id', '=', id)).executeTakeFirstOrThrow();
}

export async function updateCard(db: Kysely<Database>, id: string, changes: Partial<CardRow>): Promise<void> {
  await db.updateTable('cards').set(changes).where('id', '=', id).execute();
}

export async function recordCardEvent(db: Kysely<Database>, cardId: string, kind: string, at: string, detail?: unknown, actor?: string): Promise<void> {
  await db
    .insertInto('card_events')
    .values({ id: newId('ce'), card_id: cardId, kind, detail: detail === undefined ? null : JSON.stringify(detail), actor: actor ?? null, at })
    .execute();
}
