/**
 * Secrets at rest: every secret simkeep stores (payment providers' private keys, transport
 * passwords, webhook signing secrets, the generated signing secret) is sealed with
 * AES-256-GCM under the deployment's master key before it reaches the database. A sealed
 * value describes itself: `sk1:<key id>:<iv>:<ciphertext and tag>` (base64url), the key id
 * being the first 8 hex digits of the key's SHA-256, so a keyring holding the current key
 * and older ones opens what each sealed and rotation can tell which values to seal again.
 * The additional data binds a value to its place (`table/row/column`): moved to another
 * row, it no longer opens.
 *
 * A value without the prefix is a secret stored in clear before sealing existed: it opens
 * as itself, and `simkeep secrets rotate` seals it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';

const PREFIX = 'sk1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

/** Why a sealed value did not open. */
export class UnreadableSecret extends Error {
  constructor(
    readonly keyId: string,
    readonly reason: 'unknown_key' | 'tampered',
  ) {
    super(
      reason === 'unknown_key'
        ? `a stored secret is sealed under master key ${keyId}, which this process does not have (SIMKEEP_MASTER_KEY, SIMKEEP_MASTER_KEY_FILE, SIMKEEP_MASTER_KEY_PREVIOUS)`
        : `a stored secret sealed under master key ${keyId} does not open: it was altered or moved to another place`,
    );
    this.name = 'UnreadableSecret';
  }
}

/** For an answer: a 503 naming what cannot be read and the id of the master key it needs (never a key). */
export function unreadableSecret(error: UnreadableSecret, what: string): DomainError {
  return new DomainError('secret_unreadable', undefined, { what, keyId: error.keyId, reason: error.reason });
}

/** The key id of a 32-byte key: the first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The key id a stored value was sealed under; `null` for a value stored in clear. */
export function sealedKeyId(value: string): string | null {
  const parts = value.split(':');
  return parts.length === 4 && parts[0] === PREFIX && /^[0-9a-f]{8}$/.test(parts[1] ?? '') ? (parts[1] as string) : null;
}

const additionalData = (keyId: string, place: string) => Buffer.from(`${PREFIX}:${keyId}:${place}`, 'utf8');

/** The current master key, which seals, and older ones, which only open. */
export class Keyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== MASTER_KEY_BYTES) throw new Error(`a master key is ${MASTER_KEY_BYTES} bytes, not ${key.length}`);
    }
    this.currentId = keyIdOf(current);
    this.keys.set(this.currentId, current);
    for (const key of previous) if (!this.keys.has(keyIdOf(key))) this.keys.set(keyIdOf(key), key);
  }

  /** The ids of every key that opens: the current one first. */
  get ids(): string[] {
    return [...this.keys.keys()];
  }

  seal(plaintext: string, place: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(this.currentId, place));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:${this.currentId}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
  }

  /** The plaintext of a value sealed for `place`, or a value stored in clear as it is; throws UnreadableSecret. */
  open(value: string, place: string): string {
    const keyId = sealedKeyId(value);
    if (keyId === null) return value;
    const key = this.keys.get(keyId);
    if (!key) throw new UnreadableSecret(keyId, 'unknown_key');
    const [, , ivText, sealedText] = value.split(':') as [string, string, string, string];
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new UnreadableSecret(keyId, 'tampered');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, place));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnreadableSecret(keyId, 'tampered');
    }
  }

  /** True when the value is in clear or sealed under an older key. */
  needsSealing(value: string): boolean {
    return sealedKeyId(value) !== this.currentId;
  }
}

/**
 * A stored row holding secrets, as `simkeep secrets status` counts them and `rotate` seals
 * them again: each kind of stored secret lists its rows (payments, notify, webhooks, platform).
 */
export interface SealedRow {
  /** The operator the secrets belong to; `null` for the deployment's own. */
  operatorId: string | null;
  /** The row's stored secrets: sealed, or in clear from before sealing. */
  secrets: string[];
  /** Writes the row's secrets sealed under the current key, unless the row changed since it was read; true when written. */
  reseal(db: Kysely<Database>, keyring: Keyring): Promise<boolean>;
}
