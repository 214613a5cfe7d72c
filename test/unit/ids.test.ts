import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newSecretId, ulid } from '../../src/shared/ids.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const decodeTime = (id: string) => [...id.slice(0, 10)].reduce((t, c) => t * 32 + CROCKFORD.indexOf(c), 0);

let offsetShift = 0;

describe('ids', () => {
  it('encodes the millisecond in the first 10 characters', () => {
    // Later times than any other test uses, ascending, so monotonicity does not hold them back.
    const base = Date.UTC(2500, 0, 1);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 20 }), (offsets) => {
        const start = base + offsetShift;
        for (const offset of [...offsets].sort((a, b) => a - b)) {
          const id = ulid(start + offset);
          expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
          expect(decodeTime(id)).toBe(start + offset);
        }
        offsetShift += 2e9;
      }),
    );
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ms = Date.UTC(3000, 0, 1);
    const ids = Array.from({ length: 1000 }, () => ulid(ms));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulid(ms + 1) > (ids.at(-1) as string)).toBe(true);
  });

  it('gives secret ids 128 random bits', () => {
    const ids = Array.from({ length: 1000 }, () => newSecretId('ord'));
    for (const id of ids) expect(Buffer.from(id.slice(4), 'base64url')).toHaveLength(16);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
