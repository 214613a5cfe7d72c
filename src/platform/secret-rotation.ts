/**
 * Every kind of secret simkeep stores, counted by the master key it is sealed under
 * (`simkeep secrets status`) and sealed again under the current key (`simkeep secrets
 * rotate`). Rotation takes each kind in one transaction and writes a row only while it
 * still holds what was read, so it may run beside serving processes; a second run finds
 * nothing to do. Secrets stored in clear before sealing existed are sealed by it too.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import { dropOldRowVersions } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { insertAuditEntry } from '../hall/staff/staff-repository.js';
import { transportSecretRows } from '../notify/transport-secrets.js';
import { providerSecretRows } from '../payments/provider-secrets.js';
import { providers } from '../payments/provider-settings.js';
import { newId } from '../shared/ids.js';
import { endpointSecretRows } from '../webhooks/webhook-endpoints.js';
import { type Keyring, type SealedRow, sealedKeyId } from './sealed.js';
import { signingSecretRows } from './secrets.js';

const KINDS: { kind: string; table: string; rows(db: Kysely<Database>): Promise<SealedRow[]> }[] = [
  { kind: 'payment provider settings', table: 'payment_providers', rows: (db) => providerSecretRows(providers, db) },
  { kind: 'transport settings', table: 'notification_settings', rows: transportSecretRows },
  { kind: 'webhook signing secrets', table: 'webhook_endpoints', rows: endpointSecretRows },
  { kind: 'generated signing secret', table: 'settings', rows: signingSecretRows },
];

/** Stored in clear, from before sealing: how status names them. */
export const IN_CLEAR = 'clear';

export interface KindStatus {
  kind: string;
  /** How many secrets sit under each key id (`clear`: not sealed yet). */
  byKey: Record<string, number>;
}

export async function secretsStatus(db: Db): Promise<KindStatus[]> {
  const out: KindStatus[] = [];
  for (const { kind, rows } of KINDS) {
    const byKey: Record<string, number> = {};
    for (const row of await rows(db.kysely)) {
      for (const secret of row.secrets) {
        const keyId = sealedKeyId(secret) ?? IN_CLEAR;
        byKey[keyId] = (byKey[keyId] ?? 0) + 1;
      }
    }
    out.push({ kind, byKey });
  }
  return out;
}

export interface KindRotation {
  kind: string;
  /** Rows whose secrets were sealed again under the current key. */
  resealed: number;
  /** Of those, rows that held a secret in clear. */
  wereInClear: number;
  /** Rows already all under the current key. */
  current: number;
  /** Rows changed by someone else between reading and writing (written under that process's key). */
  changedMeanwhile: number;
}

/** Who rotates, as the audit log names them: the CLI, or an admin token through the API. */
export interface Rotator {
  actor: string;
  ip: string;
}

const CLI_ROTATOR: Rotator = { actor: 'admin:cli', ip: 'cli' };

/**
 * Seals every stored secret not under the current key with it. Throws UnreadableSecret
 * (rolling back that kind) when a secret is under a key the keyring lacks. Each operator
 * whose secrets were sealed again gets an audit entry `secrets.rotated`. The tables where
 * secrets were sealed again are rewritten, so that no old copy stays in the files.
 */
export async function rotateSecrets(db: Db, keyring: Keyring, now: Date, rotator: Rotator = CLI_ROTATOR): Promise<KindRotation[]> {
  const out: KindRotation[] = [];
  for (const { kind, rows } of KINDS) {
    out.push(
      await db.kysely.transaction().execute(async (trx) => {
        const result: KindRotation = { kind, resealed: 0, wereInClear: 0, current: 0, changedMeanwhile: 0 };
        const perOperator = new Map<string, number>();
        for (const row of await rows(trx)) {
          if (!row.secrets.some((secret) => keyring.needsSealing(secret))) {
            result.current += 1;
          } else if (await row.reseal(trx, keyring)) {
            result.resealed += 1;
            if (row.secrets.some((secret) => sealedKeyId(secret) === null)) result.wereInClear += 1;
            if (row.operatorId !== null) perOperator.set(row.operatorId, (perOperator.get(row.operatorId) ?? 0) + 1);
          } else {
            result.changedMeanwhile += 1;
          }
        }
        for (const [operatorId, count] of perOperator) await auditRotation(trx, rotator, { operatorId, kind, count, keyId: keyring.currentId }, now);
        return result;
      }),
    );
  }
  // The old copies (in clear, or under a key that may be why it is rotated) must not outlive the rotation in the files.
  const rewritten = KINDS.filter((_, i) => (out[i]?.resealed ?? 0) > 0).map((k) => k.table);
  if (rewritten.length > 0) await dropOldRowVersions(db, rewritten);
  return out;
}

function auditRotation(trx: Kysely<Database>, rotator: Rotator, entry: { operatorId: string; kind: string; count: number; keyId: string }, now: Date) {
  return insertAuditEntry(trx, {
    id: newId('aud'),
    operator_id: entry.operatorId,
    hall_id: null,
    staff_id: null,
    actor: rotator.actor,
    action: 'secrets.rotated',
    subject: entry.kind,
    detail: JSON.stringify({ rows: entry.count, keyId: entry.keyId }),
    ip: rotator.ip,
    at: now.toISOString(),
  });
}
