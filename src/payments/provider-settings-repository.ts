/**
 * Each operator's payment provider settings in the database, one row per provider (the
 * settings as JSON text, each secret field sealed: provider-secrets.ts). Each function
 * takes the Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { Database, PaymentProviderTable } from '../db/schema.js';

export type ProviderSettingsRow = PaymentProviderTable;

export function providerSettingsOf(db: Kysely<Database>, operatorId: string): Promise<ProviderSettingsRow[]> {
  return db.selectFrom('payment_providers').selectAll().where('operator_id', '=', operatorId).execute();
}

/** Writes the provider's settings, replacing any the operator had. */
export async function saveProviderSettings(
  db: Kysely<Database>,
  operatorId: string,
  provider: string,
  row: Omit<ProviderSettingsRow, 'operator_id' | 'provider'>,
): Promise<void> {
  await db
    .insertInto('payment_providers')
    .values({ operator_id: operatorId, provider, ...row })
    .onConflict((oc) => oc.columns(['operator_id', 'provider']).doUpdateSet(row))
    .execute();
}

/** Every operator's provider settings. */
export function allProviderSettings(db: Kysely<Database>): Promise<ProviderSettingsRow[]> {
  return db.selectFrom('payment_providers').selectAll().orderBy('operator_id').orderBy('provider').execute();
}

/** Writes `next` as the provider's settings while they are still `current`; false when they changed meanwhile. */
export async function replaceProviderSettings(db: Kysely<Database>, operatorId: string, provider: string, current: string, next: string): Promise<boolean> {
  const result = await db
    .updateTable('payment_providers')
    .set({ settings: next })
    .where('operator_id', '=', operatorId)
    .where('provider', '=', provider)
    .where('settings', '=', current)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
