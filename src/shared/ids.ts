/**
 * Identifiers. Order and payment ids are bearer secrets for the subscriber (they open the
 * order page), so they carry 128 random bits; back-office records use time-ordered ULIDs,
 * whose order is their creation order.
 */
import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

export function newSecretId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
