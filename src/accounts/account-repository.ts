/**
 * Accounts, their cards and sessions in the database: small query pieces, each taking the
 * Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { AccountTable, Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';

export type AccountRow = AccountTable;

/** The number's account, created on its first sign-in (one account per number). */
export async function accountOf(db: Kysely<Database>, msisdn: string, now: string): Promise<AccountRow> {
  await db
    .insertInto('accounts')
    .values({ id: newId('acct'), msisdn, created_at: now })
    .onConflict((oc) => oc.column('msisdn').doNothing())
    .execute();
  return db.selectFrom('accounts').selectAll().where('msisdn', '=', msisdn).executeTakeFirstOrThrow();
}

/** Links a card to an account; true when it was not linked before. */
export async function linkCard(db: Kysely<Database>, accountId: string, cardId: string, now: string): Promise<boolean> {
  const result = await db
    .insertInto('account_cards')
    .values({ account_id: accountId, card_id: cardId, added_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'card_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function unlinkCard(db: Kysely<Database>, accountId: string, cardId: string): Promise<boolean> {
  const result = await db.deleteFrom('account_cards').where('account_id', '=', accountId).where('card_id', '=', cardId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isLinked(db: Kysely<Database>, accountId: string, cardId: string): Promise<boolean> {
  const row = await db.selectFrom('account_cards').select('card_id').where('account_id', '=', accountId).where('card_id', '=', cardId).executeTakeFirst();
  return row !== undefined;
}

export async function countCards(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('account_cards')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Does the account hold an earlier card of its own number that has since been issued again
 * on a new card? Then the number has changed hands, and what the account holds belonged to
 * the previous subscriber.
 */
export async function holdsReissuedNumber(db: Kysely<Database>, account: AccountRow): Promise<boolean> {
  const row = await db
    .selectFrom('account_cards as ac')
    .innerJoin('cards as c', 'c.id', 'ac.card_id')
    .select('c.id')
    .where('ac.account_id', '=', account.id)
    .where('c.msisdn', '=', account.msisdn)
    .where('c.retired_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets everything an account holds: its cards and its sessions. */
export async function resetAccount(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('account_cards').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_sessions').where('account_id', '=', accountId).execute();
}

export async function insertSession(db: Kysely<Database>, tokenHash: string, accountId: string, now: Date, ttlSeconds: number): Promise<void> {
  await db
    .insertInto('account_sessions')
    .values({
      token_hash: tokenHash,
      account_id: accountId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    })
    .execute();
}

export function sessionAccount(db: Kysely<Database>, tokenHash: string, now: Date): Promise<AccountRow | undefined> {
  return db
    .selectFrom('account_sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['a.id', 'a.msisdn', 'a.created_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now.toISOString())
    .executeTakeFirst();
}
