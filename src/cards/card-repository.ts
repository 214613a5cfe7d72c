/**
 * Cards in the database: found by MSISDN among the cards still in use, extended, blocked
 * and swapped, registered and retired a batch at a time (`registerCards`), with the events
 * of their history. Each function takes the Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import type { CardEventTable, CardTable, Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { CardState } from './lifecycle.js';

export type CardRow = CardTable;
export type CardEventRow = CardEventTable;

export function cardState(row: CardRow): CardState {
  return { validUntil: row.valid_until, anchorDay: row.anchor_day, blocked: row.blocked === 1 };
}

export function findLiveCard(db: Kysely<Database>, msisdn: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('msisdn', '=', msisdn).where('retired_at', 'is', null).executeTakeFirst();
}

export function findLiveCardByIccid(db: Kysely<Database>, iccid: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('iccid', '=', iccid).where('retired_at', 'is', null).executeTakeFirst();
}

/** The cards in use that hold any of the numbers or any of the SIM serials. */
export function liveCardsHolding(db: Kysely<Database>, msisdns: readonly string[], iccids: readonly string[]): Promise<CardRow[]> {
  return db
    .selectFrom('cards')
    .selectAll()
    .where('retired_at', 'is', null)
    .where((eb) => eb.or([eb('msisdn', 'in', msisdns), eb('iccid', 'in', iccids)]))
    .execute();
}

/** The operator's cards in use, as the demo prints them. */
export function liveCardsOf(db: Kysely<Database>, operatorId: string): Promise<Pick<CardRow, 'msisdn' | 'iccid' | 'valid_until' | 'block_reason'>[]> {
  return db
    .selectFrom('cards')
    .select(['msisdn', 'iccid', 'valid_until', 'block_reason'])
    .where('operator_id', '=', operatorId)
    .where('retired_at', 'is', null)
    .execute();
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

/** Retires the cards: their numbers and SIM serials have passed to new cards. */
export async function retireCards(db: Kysely<Database>, ids: readonly string[], now: string): Promise<void> {
  await db.updateTable('cards').set({ retired_at: now, updated_at: now }).where('id', 'in', ids).execute();
}

export async function insertCards(db: Kysely<Database>, rows: readonly CardRow[]): Promise<void> {
  await db.insertInto('cards').values(rows).execute();
}

export async function insertCardEvents(db: Kysely<Database>, events: readonly CardEventRow[]): Promise<void> {
  await db.insertInto('card_events').values(events).execute();
}
