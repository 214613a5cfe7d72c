/**
 * Identifiers. Order and payment ids are bearer secrets for the subscriber (they open the
 * order page), so they carry 128 random bits; back-office records use time-ordered ULIDs,
 * whose order is their creation order (monotonic within a millisecond, per the ULID spec).
 *
 * Written here rather than taken from the `ulid` package: it reads the CSPRNG one byte per
 * character, and those 16 system calls per id were 5 % of a renewal's CPU time.
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL_SIZE = 4096;

let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** `n` bytes from the CSPRNG, drawn from a pool refilled 4 KiB at a time. */
function random(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + n);
  offset += n;
  return bytes;
}

let lastTime = -1;
let lastRandom: number[] = [];

/** A ULID: 10 base-32 characters of milliseconds, then 16 of randomness (80 bits). */
export function ulid(now: number = Date.now()): string {
  if (now <= lastTime) {
    // Same millisecond (or a clock step back): increment the previous randomness.
    let i = lastRandom.length - 1;
    while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
    if (i < 0) throw new Error('ULID randomness overflow within one millisecond');
    lastRandom[i] = (lastRandom[i] ?? 0) + 1;
  } else {
    lastTime = now;
    lastRandom = Array.from(random(16), (byte) => byte & 31);
  }
  let time = '';
  for (let t = lastTime, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  return time + lastRandom.map((d) => CROCKFORD[d]).join('');
}

export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

export function newSecretId(prefix: string): string {
  return `${prefix}_${random(16).toString('base64url')}`;
}

/**
 * A payment id: `pay_` and 26 Crockford base-32 characters (128 random bits). Letters and
 * digits only after the prefix, so it is a valid merchant order number for every provider
 * (Alipay: letters, digits, `_`; WeChat Pay: 6–32 characters; UnionPay: 8–40 letters and
 * digits, which `unionpayOrderId` gets by dropping the `_`).
 */
export function newPaymentId(): string {
  const bytes = random(16);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return `pay_${out}`;
}
