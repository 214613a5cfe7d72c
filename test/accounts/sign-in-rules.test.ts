/** The pure sign-in rules: resend limits against a brute-force oracle, and the verdict on a submitted code. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeHash, codeMatches, newCode, newSessionToken, sessionTokenHash } from '../../src/accounts/credentials.js';
import { codeMessage, judgeCode, LOCK_SECONDS, lockRetryAfter, SEND_LIMITS, sendRetryAfter } from '../../src/accounts/sign-in-rules.js';

const NOW = new Date('2026-11-24T04:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

/** Seconds to wait, found by trying every later second: the first at which every limit allows one more. */
function oracle(history: { msisdn: number[]; ip: number[] }): number | undefined {
  // A send `a` seconds ago still counts `t` seconds from now while a + t < the window.
  const allowedAt = (t: number) => SEND_LIMITS.every((l) => history[l.by].filter((a) => a + t < l.windowSeconds).length < l.max);
  for (let t = 0; t <= 3600; t++) if (allowedAt(t)) return t === 0 ? undefined : t;
  return undefined;
}

describe('resend limits', () => {
  it('allow one code per number a minute, five an hour, and twenty per IP an hour', () => {
    expect(sendRetryAfter({ msisdn: [], ip: [] }, NOW)).toBeUndefined();
    expect(sendRetryAfter({ msisdn: [ago(10)], ip: [ago(10)] }, NOW)).toBe(50);
    expect(sendRetryAfter({ msisdn: [ago(60)], ip: [ago(60)] }, NOW)).toBeUndefined();
    const five = [ago(61), ago(600), ago(1200), ago(1800), ago(2400)];
    expect(sendRetryAfter({ msisdn: five, ip: five }, NOW)).toBe(3600 - 2400);
    const twenty = Array.from({ length: 20 }, (_, i) => ago(100 + i));
    expect(sendRetryAfter({ msisdn: [], ip: twenty }, NOW)).toBe(3600 - 119);
    expect(sendRetryAfter({ msisdn: [], ip: twenty.slice(1) }, NOW)).toBeUndefined();
  });

  it('wait exactly until the first second every limit allows another code', () => {
    const seconds = fc.integer({ min: 0, max: 3599 });
    fc.assert(
      fc.property(fc.array(seconds, { maxLength: 6 }), fc.array(seconds, { maxLength: 22 }), (number, ip) => {
        const got = sendRetryAfter({ msisdn: number.map(ago), ip: ip.map(ago) }, NOW);
        expect(got).toBe(oracle({ msisdn: number, ip }));
      }),
    );
  });
});

describe('a submitted code', () => {
  const live = { expiresAt: ago(-300), wrongTries: 0, lockedUntil: null };

  it('is accepted when right and live, refused as expired when missing or past its time', () => {
    expect(judgeCode(live, true, NOW)).toEqual({ kind: 'accepted' });
    expect(judgeCode(undefined, false, NOW)).toEqual({ kind: 'expired' });
    expect(judgeCode({ ...live, expiresAt: NOW.toISOString() }, true, NOW)).toEqual({ kind: 'expired' });
  });

  it('counts wrong tries and locks the number on the fifth, for 15 minutes, even for the right code', () => {
    expect(judgeCode(live, false, NOW)).toEqual({ kind: 'wrong', wrongTries: 1, triesLeft: 4 });
    expect(judgeCode({ ...live, wrongTries: 3 }, false, NOW)).toEqual({ kind: 'wrong', wrongTries: 4, triesLeft: 1 });
    const locked = judgeCode({ ...live, wrongTries: 4 }, false, NOW);
    expect(locked).toEqual({ kind: 'wrong_locked', wrongTries: 5, lockedUntil: ago(-LOCK_SECONDS), retryAfter: LOCK_SECONDS });
    const state = { ...live, wrongTries: 5, lockedUntil: ago(-LOCK_SECONDS) };
    expect(judgeCode(state, true, NOW)).toEqual({ kind: 'locked', retryAfter: LOCK_SECONDS });
    expect(judgeCode(state, true, new Date(NOW.getTime() + (LOCK_SECONDS - 1) * 1000))).toEqual({ kind: 'locked', retryAfter: 1 });
    expect(lockRetryAfter(state.lockedUntil, new Date(NOW.getTime() + LOCK_SECONDS * 1000))).toBeUndefined();
  });
});

describe('credentials', () => {
  const key = Buffer.alloc(32, 7);

  it('draws 6-digit codes and keeps only a keyed hash bound to the number', () => {
    const codes = Array.from({ length: 200 }, newCode);
    expect(codes.every((c) => /^[0-9]{6}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(190);
    const hash = codeHash(key, '+8613800138000', '123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('123456');
    expect(codeMatches(key, '+8613800138000', '123456', hash)).toBe(true);
    expect(codeMatches(key, '+8613800138001', '123456', hash)).toBe(false);
    expect(codeMatches(Buffer.alloc(32, 8), '+8613800138000', '123456', hash)).toBe(false);
    expect(codeMatches(key, '+8613800138000', '123456', undefined)).toBe(false);
  });

  it('issues 32-byte session tokens and hashes only what looks like one', () => {
    const token = newSessionToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(sessionTokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionTokenHash(`${token}x`)).toBeUndefined();
    expect(sessionTokenHash(undefined)).toBeUndefined();
  });

  it('writes the SMS in Chinese and English', () => {
    expect(codeMessage('042917')).toBe('【simkeep】验证码 042917，5分钟内有效，请勿告诉他人。Your code is 042917, valid for 5 minutes. Do not share it.');
  });
});
