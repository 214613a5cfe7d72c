/**
 * The secret fields of payment provider settings (each provider's `secretFields`: Alipay's
 * private key, WeChat Pay's API v3 key and merchant private key, UnionPay's signing key),
 * sealed one by one inside the stored JSON, so the rest of the settings stays readable in
 * the database. A field's place names its operator, provider and field.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Keyring, SealedRow } from '../platform/sealed.js';
import type { PaymentProvider, ProviderName } from './provider.js';
import { allProviderSettings, replaceProviderSettings } from './provider-settings-repository.js';

type Settings = Record<string, unknown>;
type Providers = Record<ProviderName, PaymentProvider<any>>;

const placeOf = (operatorId: string, provider: string, field: string) => `payment_providers/${operatorId}/${provider}/settings.${field}`;

function eachSecret(
  providers: Providers,
  operatorId: string,
  provider: string,
  settings: Settings,
  change: (value: string, place: string) => string,
): Settings {
  const copy = { ...settings };
  for (const field of providers[provider as ProviderName]?.secretFields ?? []) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = change(value, placeOf(operatorId, provider, field));
  }
  return copy;
}

/** The settings as stored: each secret field sealed. */
export function sealProviderSecrets(providers: Providers, keyring: Keyring, operatorId: string, provider: string, settings: Settings): Settings {
  return eachSecret(providers, operatorId, provider, settings, (value, place) => keyring.seal(value, place));
}

/** The settings as used: each secret field opened (one stored in clear is taken as it is); throws UnreadableSecret. */
export function openProviderSecrets(providers: Providers, keyring: Keyring, operatorId: string, provider: string, settings: Settings): Settings {
  return eachSecret(providers, operatorId, provider, settings, (value, place) => keyring.open(value, place));
}

/** Every stored provider setting's secrets, for `simkeep secrets status` and `rotate`. */
export async function providerSecretRows(providers: Providers, db: Kysely<Database>): Promise<SealedRow[]> {
  return (await allProviderSettings(db)).map((row) => {
    const settings = JSON.parse(row.settings) as Settings;
    const fields = providers[row.provider as ProviderName]?.secretFields ?? [];
    return {
      operatorId: row.operator_id,
      secrets: fields.flatMap((field) => (typeof settings[field] === 'string' ? [settings[field]] : [])),
      reseal: (trx, keyring) => {
        const opened = openProviderSecrets(providers, keyring, row.operator_id, row.provider, settings);
        const next = JSON.stringify(sealProviderSecrets(providers, keyring, row.operator_id, row.provider, opened));
        return replaceProviderSettings(trx, row.operator_id, row.provider, row.settings, next);
      },
    };
  });
}
