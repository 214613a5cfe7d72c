/**
 * The secrets of signing in: one-time codes (random digits, stored as an HMAC of the number
 * and the code under the account key, so a database dump does not give them away and a
 * code for one number proves nothing for another) and session tokens (32 random bytes,
 * stored as their SHA-256).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { hmacHex, safeEqual } from '../platform/secrets.js';
import { CODE_DIGITS } from './sign-in-rules.js';

export const SESSION_COOKIE = 'simkeep_session';

/** 32 bytes in base64url, without padding. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

export function codeHash(key: Buffer, msisdn: string, code: string): string {
  return hmacHex(key, `sign-in:${msisdn}:${code}`);
}

/** Constant time in the length of the hashes, which is fixed. */
export function codeMatches(key: Buffer, msisdn: string, code: string, storedHash: string | undefined): boolean {
  const candidate = codeHash(key, msisdn, code);
  return safeEqual(candidate, storedHash ?? '0'.repeat(candidate.length)) && storedHash !== undefined;
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a session token, or undefined for a value that is not one we issue. */
export function sessionTokenHash(token: string | undefined): string | undefined {
  if (token === undefined || !SESSION_TOKEN.test(token)) return undefined;
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
