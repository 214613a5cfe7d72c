/**
 * Signing keys. They derive from SIMKEEP_SECRET; where it is unset, the first process
 * generates one and stores it in the database, sealed under the master key, so every
 * process of a deployment signs and verifies alike. Each purpose gets its own derived key,
 * and signatures are compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { Keyring, SealedRow } from './sealed.js';
import { replaceSetting, settingOnce, storedSettings } from './secret-repository.js';

const SECRET_SETTING = 'signing_secret';
const SECRET_PLACE = `settings/${SECRET_SETTING}`;

export interface Secrets {
  /** Signs receipt verification links and other public links. */
  receiptKey: Buffer;
  /** Signs the renewal and calendar links in reminders. */
  linkKey: Buffer;
  /** Keys the hashes of subscriber sign-in codes. */
  accountKey: Buffer;
  /** The sandbox provider's webhook secret (SIMKEEP_SANDBOX_SECRET or derived). */
  sandboxSecret: string;
}

export async function loadSecrets(db: Db, keyring: Keyring, configured: { secret?: string | undefined; sandboxSecret?: string | undefined }): Promise<Secrets> {
  const secret = configured.secret ?? (await storedSecret(db, keyring));
  return {
    receiptKey: derive(secret, 'receipt-links'),
    linkKey: derive(secret, 'renewal-links'),
    accountKey: derive(secret, 'account-sign-in'),
    sandboxSecret: configured.sandboxSecret ?? derive(secret, 'sandbox-webhook').toString('hex'),
  };
}

async function storedSecret(db: Db, keyring: Keyring): Promise<string> {
  const stored = await settingOnce(db.kysely, SECRET_SETTING, keyring.seal(randomBytes(32).toString('base64url'), SECRET_PLACE));
  try {
    return keyring.open(stored, SECRET_PLACE);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}. It holds the generated signing secret: give the master key it was sealed under, or, if that key is lost, set SIMKEEP_SECRET to a new secret (receipt and reminder links signed before then stop verifying)`,
    );
  }
}

/** The stored signing secret, for `simkeep secrets status` and `rotate`. */
export async function signingSecretRows(db: Db['kysely']): Promise<SealedRow[]> {
  return (await storedSettings(db, [SECRET_SETTING])).map((row) => ({
    operatorId: null,
    secrets: [row.value],
    reseal: (trx, keyring) => replaceSetting(trx, row.key, row.value, keyring.seal(keyring.open(row.value, SECRET_PLACE), SECRET_PLACE)),
  }));
}

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`simkeep:${purpose}`).digest();
}

export function hmacHex(key: Buffer | string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
