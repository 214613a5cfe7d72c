/**
 * When a failed message is tried again: exponential backoff from one minute, doubling per
 * attempt, capped at six hours, with up to a fifth of jitter so that messages failed
 * together do not all come back together. After `maxAttempts` the message is dead-lettered.
 */

export const FIRST_RETRY_MS = 60_000;
export const MAX_RETRY_MS = 6 * 60 * 60_000;

/** The delay before attempt `attempts + 1`, after `attempts` failures; `random` in [0, 1). */
export function retryDelay(attempts: number, random: number = Math.random()): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 + random / 5));
}
