/**
 * Signing keys. They derive from SIMKEEP_SECRET; where it is unset, the first process
 * generates one and stores it in the database, so every process of a deployment signs and
 * verifies alike. Each purpose gets its own derived key, and signatures are compared in
 * constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';
import { settingOnce } from './secret-repository.js';

const SECRET_SETTING = 'signing_secret';

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

export async function loadSecrets(db: Db, configured: { secret?: string | undefined; sandboxSecret?: string | undefined }): Promise<Secrets> {
  const secret = configured.secret ?? (await storedSecret(db));
  return {
    receiptKey: derive(secret, 'receipt-links'),
    linkKey: derive(secret, 'renewal-links'),
    accountKey: derive(secret, 'account-sign-in'),
    sandboxSecret: configured.sandboxSecret ?? derive(secret, 'sandbox-webhook').toString('hex'),
  };
}

function storedSecret(db: Db): Promise<string> {
  return settingOnce(db.kysely, SECRET_SETTING, randomBytes(32).toString('base64url'));
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
