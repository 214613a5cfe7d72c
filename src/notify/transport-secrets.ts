/**
 * Operators' transport settings at rest: an SMS gateway's or SMTP server's settings are
 * sealed whole under the master key, as a gateway's credentials may sit in its headers, its
 * URL or its body template. A column's place names its operator and channel.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Keyring, SealedRow } from '../platform/sealed.js';
import { allTransportSettings, replaceTransportSettings, type TransportColumn } from './message-repository.js';
import type { Channel } from './transport.js';

export const transportColumn = (channel: Channel): TransportColumn => (channel === 'sms' ? 'sms_transport' : 'email_transport');

const placeOf = (operatorId: string, column: TransportColumn) => `notification_settings/${operatorId}/${column}`;

/** The stored text of a channel's settings: sealed JSON. */
export function sealTransport(keyring: Keyring, operatorId: string, channel: Channel, settings: unknown): string {
  return keyring.seal(JSON.stringify(settings), placeOf(operatorId, transportColumn(channel)));
}

/** A channel's settings from their stored text (sealed, or JSON in clear from before sealing); throws UnreadableSecret. */
export function openTransport<T>(keyring: Keyring, operatorId: string, channel: Channel, stored: string): T {
  return JSON.parse(keyring.open(stored, placeOf(operatorId, transportColumn(channel)))) as T;
}

/** Every stored transport setting, for `simkeep secrets status` and `rotate`. */
export async function transportSecretRows(db: Kysely<Database>): Promise<SealedRow[]> {
  const rows = await allTransportSettings(db);
  return rows.flatMap((row) =>
    (['sms_transport', 'email_transport'] as const).flatMap((column): SealedRow[] => {
      const stored = row[column];
      if (stored === null) return [];
      const place = placeOf(row.operator_id, column);
      return [
        {
          operatorId: row.operator_id,
          secrets: [stored],
          reseal: (trx, keyring) => replaceTransportSettings(trx, row.operator_id, column, stored, keyring.seal(keyring.open(stored, place), place)),
        },
      ];
    }),
  );
}
