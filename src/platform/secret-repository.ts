/**
 * The deployment's stored settings in the database (`settings`, key → value): for now the
 * generated signing secret, sealed. Each function takes the Kysely instance or the transaction it
 * runs in.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The value stored under the key, storing `candidate` first when there is none: of
 * processes starting together, the first to write wins and all read its value.
 */
export async function settingOnce(db: Kysely<Database>, key: string, candidate: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: candidate })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

export function storedSettings(db: Kysely<Database>, keys: readonly string[]): Promise<{ key: string; value: string }[]> {
  return db.selectFrom('settings').select(['key', 'value']).where('key', 'in', keys).execute();
}

/** Writes `next` under the key while it still holds `current`; false when it changed meanwhile. */
export async function replaceSetting(db: Kysely<Database>, key: string, current: string, next: string): Promise<boolean> {
  const result = await db.updateTable('settings').set({ value: next }).where('key', '=', key).where('value', '=', current).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
