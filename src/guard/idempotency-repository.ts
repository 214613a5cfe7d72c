/**
 * Idempotency keys in the database: the recorded answer of each (scope, key), read at a
 * request's first look and written in the request's own transaction, and pruned after
 * their time. Each function takes the Kysely instance or the transaction it runs in.
 */
import { type Kysely, sql } from 'kysely';
import type { Db, DialectName } from '../db/database.js';
import { leftJoinOne, lockForOperator, readEach } from '../db/dialect.js';
import type { Database, IdempotencyKeyTable } from '../db/schema.js';

/** What a key's record says of the request that answered it. */
export type Answered = Pick<IdempotencyKeyTable, 'request_hash' | 'response_status' | 'response_body'>;

/** A key of a request: its scope (who may use it) and the key itself. */
export interface KeySlot {
  scope: string;
  key: string;
}

/**
 * Holds the key until the transaction ends, across PostgreSQL processes (a transaction
 * advisory lock on `slot`, not waited for); false when another transaction holds it. Always
 * true on SQLite, whose transactions are serial.
 */
export function holdKey(trx: Kysely<Database>, dialect: DialectName, slot: string): Promise<boolean> {
  return lockForOperator(trx, dialect, slot, false);
}

/**
 * Records the answer under the key; an expired record not yet pruned (created before
 * `expiredBefore`) gives way. False when a live record is there: another request answered first.
 */
export async function recordAnswer(
  trx: Kysely<Database>,
  slot: KeySlot,
  answer: Omit<IdempotencyKeyTable, 'scope' | 'key'>,
  expiredBefore: string,
): Promise<boolean> {
  const recorded = await trx
    .insertInto('idempotency_keys')
    .values({ ...slot, ...answer })
    .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet(answer).where('idempotency_keys.created_at', '<', expiredBefore))
    .executeTakeFirst();
  return Number(recorded.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The key's record created at `since` or later, if it has one. */
export function liveAnswer(db: Kysely<Database>, slot: KeySlot, since: string): Promise<Answered | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body'])
    .where('scope', '=', slot.scope)
    .where('key', '=', slot.key)
    .where('created_at', '>=', since)
    .executeTakeFirst();
}

/** `liveAnswer` for a batch of keys, in their order, in one statement. */
export async function liveAnswers(db: Db, slots: readonly KeySlot[], since: string): Promise<(Answered | undefined)[]> {
  const rows = await readEach(
    db,
    slots,
    { scope: 'text', key: 'text' },
    (q) => sql<{ i: number; request_hash: string | null; response_status: number | null; response_body: string | null }>`
      select q.i, k.request_hash, k.response_status, k.response_body
      from ${q} ${leftJoinOne(db.dialect, 'idempotency_keys', 'k', sql`k.scope = q.scope and k.key = q.key and k.created_at >= ${since}`)}`,
  );
  return rows.map(({ request_hash, ...answer }): Answered | undefined => (request_hash === null ? undefined : { request_hash, ...answer }));
}

/** Deletes the records created before `expiredBefore`. */
export async function pruneAnswers(db: Kysely<Database>, expiredBefore: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', expiredBefore).execute();
}
