/**
 * The rules of signing in with a one-time code, as plain functions over plain data: how
 * long a code lives, how many wrong tries lock the number, how often a code may be sent.
 * No I/O and no clock: `now` is an argument.
 */

export const CODE_DIGITS = 6;
export const CODE_TTL_SECONDS = 5 * 60;
/** Wrong codes allowed for one number before it is locked. */
export const MAX_WRONG_TRIES = 5;
export const LOCK_SECONDS = 15 * 60;
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface SendLimit {
  /** Whose sends count: the number's or the client IP's. */
  by: 'msisdn' | 'ip';
  max: number;
  windowSeconds: number;
}

/** At most 1 code per number per minute and 5 per hour, and 20 per client IP per hour. */
export const SEND_LIMITS: readonly SendLimit[] = [
  { by: 'msisdn', max: 1, windowSeconds: 60 },
  { by: 'msisdn', max: 5, windowSeconds: 60 * 60 },
  { by: 'ip', max: 20, windowSeconds: 60 * 60 },
];

/** The longest window of `SEND_LIMITS`: sends older than that no longer count. */
export const SEND_HISTORY_SECONDS = Math.max(...SEND_LIMITS.map((l) => l.windowSeconds));

export interface SendHistory {
  /** Instants (ISO 8601) of the codes sent to the number, within `SEND_HISTORY_SECONDS`. */
  msisdn: string[];
  /** Instants of the codes requested from the client IP, within `SEND_HISTORY_SECONDS`. */
  ip: string[];
}

/**
 * Seconds until another code may be sent, or undefined when one may be sent now. Under a
 * limit of `max` per window, the next send waits for the oldest of the last `max` sends to
 * leave the window.
 */
export function sendRetryAfter(history: SendHistory, now: Date, limits: readonly SendLimit[] = SEND_LIMITS): number | undefined {
  let wait = 0;
  for (const limit of limits) {
    const since = now.getTime() - limit.windowSeconds * 1000;
    const inWindow = history[limit.by]
      .map((at) => Date.parse(at))
      .filter((at) => at > since)
      .sort((a, b) => a - b);
    if (inWindow.length < limit.max) continue;
    const leaving = inWindow[inWindow.length - limit.max] as number;
    wait = Math.max(wait, secondsUntil(leaving + limit.windowSeconds * 1000, now));
  }
  return wait > 0 ? wait : undefined;
}

/** The stored state of a number's code, as the verdict needs it. */
export interface CodeState {
  expiresAt: string;
  wrongTries: number;
  lockedUntil: string | null;
}

export type CodeVerdict =
  | { kind: 'accepted' }
  | { kind: 'locked'; retryAfter: number }
  | { kind: 'expired' }
  /** A wrong code with tries left. */
  | { kind: 'wrong'; wrongTries: number; triesLeft: number }
  /** The wrong code that used up the last try: the number is locked from now. */
  | { kind: 'wrong_locked'; wrongTries: number; lockedUntil: string; retryAfter: number };

/**
 * What a submitted code earns. A lock wins over everything, even the right code; then a
 * missing or expired code; then the comparison (`matches`, made by the caller in constant time).
 */
export function judgeCode(state: CodeState | undefined, matches: boolean, now: Date): CodeVerdict {
  if (state?.lockedUntil && Date.parse(state.lockedUntil) > now.getTime()) {
    return { kind: 'locked', retryAfter: secondsUntil(Date.parse(state.lockedUntil), now) };
  }
  if (!state || Date.parse(state.expiresAt) <= now.getTime()) return { kind: 'expired' };
  if (matches) return { kind: 'accepted' };
  const wrongTries = state.wrongTries + 1;
  if (wrongTries < MAX_WRONG_TRIES) return { kind: 'wrong', wrongTries, triesLeft: MAX_WRONG_TRIES - wrongTries };
  return { kind: 'wrong_locked', wrongTries, lockedUntil: new Date(now.getTime() + LOCK_SECONDS * 1000).toISOString(), retryAfter: LOCK_SECONDS };
}

/** Seconds until the number's lock ends, or undefined when it is not locked. */
export function lockRetryAfter(lockedUntil: string | null | undefined, now: Date): number | undefined {
  if (!lockedUntil || Date.parse(lockedUntil) <= now.getTime()) return undefined;
  return secondsUntil(Date.parse(lockedUntil), now);
}

/** The SMS that carries a code, in Chinese then English. */
export function codeMessage(code: string): string {
  return `【simkeep】验证码 ${code}，${CODE_TTL_SECONDS / 60}分钟内有效，请勿告诉他人。Your code is ${code}, valid for ${CODE_TTL_SECONDS / 60} minutes. Do not share it.`;
}

function secondsUntil(instant: number, now: Date): number {
  return Math.max(1, Math.ceil((instant - now.getTime()) / 1000));
}
