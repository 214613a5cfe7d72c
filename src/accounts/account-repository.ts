/**
 * Accounts in the database: their cards (with contact choices and orders, as "My cards"
 * reads them), their sessions, and signing in (one-time codes, the log of codes sent, the
 * code messages blanked once expired). Small query pieces, each taking the Kysely
 * instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.js';
import { forUpdate, inIds } from '../db/dialect.js';
import type { AccountTable, CardContactTable, Database, OperatorTable, OrderTable, PaymentTable, SignInCodeTable } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { MyCardRow } from './my-card-view.js';

export type AccountRow = AccountTable;
export type SignInCodeRow = SignInCodeTable;

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

export async function endSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('account_sessions').where('token_hash', '=', tokenHash).execute();
}

/**
 * The languages an account's answers may fall back on: the reminder language chosen for
 * its own number's card (null when none was), and that card's operator's default.
 * Undefined when the number has no card in use.
 */
export function accountLanguages(
  db: Kysely<Database>,
  accountId: string,
): Promise<{ locale: CardContactTable['locale'] | null; default_language: OperatorTable['default_language'] } | undefined> {
  return db
    .selectFrom('accounts as a')
    .innerJoin('cards as c', 'c.msisdn', 'a.msisdn')
    .innerJoin('operators as o', 'o.id', 'c.operator_id')
    .leftJoin('card_contacts as cc', 'cc.card_id', 'c.id')
    .select(['cc.locale', 'o.default_language'])
    .where('a.id', '=', accountId)
    .where('c.retired_at', 'is', null)
    .executeTakeFirst();
}

/** The account's cards (or the one card `onlyCardId`) in one query, with their contact choices. */
export function accountCards(db: Kysely<Database>, accountId: string, onlyCardId?: string): Promise<MyCardRow[]> {
  let query = db
    .selectFrom('account_cards as ac')
    .innerJoin('cards as c', 'c.id', 'ac.card_id')
    .leftJoin('card_contacts as cc', 'cc.card_id', 'c.id')
    .select([
      'c.id',
      'c.operator_id',
      'c.msisdn',
      'c.iccid',
      'c.valid_until',
      'c.anchor_day',
      'c.blocked',
      'c.retired_at',
      'ac.added_at',
      'cc.channel',
      'cc.email',
      'cc.locale',
      'cc.opted_out',
    ])
    .where('ac.account_id', '=', accountId);
  if (onlyCardId !== undefined) query = query.where('c.id', '=', onlyCardId);
  return query.execute();
}

/** The newest `limit` orders of the account's cards, each with its card's number. */
export function accountOrders(db: Kysely<Database>, accountId: string, limit: number): Promise<(OrderTable & { msisdn: string })[]> {
  return db
    .selectFrom('orders as o')
    .innerJoin('account_cards as ac', (join) => join.onRef('ac.card_id', '=', 'o.card_id').on('ac.account_id', '=', accountId))
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .selectAll('o')
    .select('c.msisdn')
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(limit)
    .execute();
}

/** The payments of the orders, newest first. */
export async function paymentsOfOrders(db: Kysely<Database>, orderIds: readonly string[]): Promise<PaymentTable[]> {
  if (orderIds.length === 0) return [];
  return db.selectFrom('payments').selectAll().where('order_id', 'in', orderIds).orderBy('created_at', 'desc').execute();
}

/** When the number's wrong codes lock it until, if they do. */
export async function codeLockedUntil(db: Kysely<Database>, msisdn: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('sign_in_codes').select('locked_until').where('msisdn', '=', msisdn).executeTakeFirst();
  return row?.locked_until;
}

/** The number's code, in place of any earlier one. */
export async function storeCode(db: Kysely<Database>, code: SignInCodeRow): Promise<void> {
  const { msisdn, ...stored } = code;
  await db
    .insertInto('sign_in_codes')
    .values({ msisdn, ...stored })
    .onConflict((oc) => oc.column('msisdn').doUpdateSet(stored))
    .execute();
}

/** The number's code, locked until the transaction ends: concurrent tries count one after the other, and a code works once. */
export function lockCode(db: Kysely<Database>, dialect: DialectName, msisdn: string): Promise<SignInCodeRow | undefined> {
  return forUpdate(dialect, db.selectFrom('sign_in_codes').selectAll().where('msisdn', '=', msisdn)).executeTakeFirst();
}

export async function recordWrongCode(
  db: Kysely<Database>,
  msisdn: string,
  changes: Pick<SignInCodeRow, 'wrong_tries'> & Partial<Pick<SignInCodeRow, 'locked_until' | 'expires_at'>>,
): Promise<void> {
  await db.updateTable('sign_in_codes').set(changes).where('msisdn', '=', msisdn).execute();
}

export async function deleteCode(db: Kysely<Database>, msisdn: string): Promise<void> {
  await db.deleteFrom('sign_in_codes').where('msisdn', '=', msisdn).execute();
}

/** Logs a code sent to the number at the IP's request, with the message that carried it (none without an operator to send through). */
export async function recordCodeSend(db: Kysely<Database>, msisdn: string, ip: string, messageId: string | null, at: string): Promise<void> {
  await db
    .insertInto('sign_in_requests')
    .values({ id: newId('sir'), msisdn, ip, message_id: messageId, at })
    .execute();
}

/** The codes sent since `since` to the number or at the IP's request. */
export function codeSendsSince(db: Kysely<Database>, msisdn: string, ip: string, since: string) {
  return db
    .selectFrom('sign_in_requests')
    .select(['msisdn', 'ip', 'at'])
    .where((eb) => eb.or([eb('msisdn', '=', msisdn), eb('ip', '=', ip)]))
    .where('at', '>', since)
    .execute();
}

/** Forgets the codes expired by `now`, unless they carry a running lock; returns how many. */
export async function forgetExpiredCodes(db: Kysely<Database>, now: string): Promise<number> {
  const result = await db
    .deleteFrom('sign_in_codes')
    .where('expires_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function forgetExpiredSessions(db: Kysely<Database>, now: string): Promise<number> {
  const result = await db.deleteFrom('account_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Writes `redacted` in place of the text of each code message sent by `sentBy`; a message still pending keeps its text. */
export async function redactCodeMessages(db: Kysely<Database>, dialect: DialectName, redacted: string, sentBy: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ body: redacted })
    .where(inIds(dialect, 'id', db.selectFrom('sign_in_requests').select('message_id').where('message_id', 'is not', null).where('at', '<=', sentBy)))
    .where('status', '!=', 'pending')
    .where('body', '!=', redacted)
    .execute();
}

/** Forgets the log of codes sent by `sentBy`; returns how many entries. */
export async function forgetCodeSends(db: Kysely<Database>, sentBy: string): Promise<number> {
  const result = await db.deleteFrom('sign_in_requests').where('at', '<=', sentBy).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The id of the operator with this code. */
export async function operatorIdByCode(db: Kysely<Database>, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('operators').select('id').where('code', '=', code).executeTakeFirst();
  return row?.id;
}

/** The id of the first operator created, if any. */
export async function firstOperatorId(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('operators').select('id').orderBy('created_at').orderBy('code').limit(1).executeTakeFirst();
  return row?.id;
}
