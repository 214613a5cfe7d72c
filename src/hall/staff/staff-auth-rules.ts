/**
 * Staff sign-in rules, pure: how many wrong passwords lock a username (or a client IP) and
 * for how long, and how long a session lasts. `now` is an argument.
 */

export const MAX_FAILURES_PER_USERNAME = 5;
export const MAX_FAILURES_PER_IP = 30;
export const FAILURE_WINDOW_SECONDS = 15 * 60;
/** A working day and a bit: a session outlives a shift, not a night. */
export const STAFF_SESSION_TTL_SECONDS = 12 * 60 * 60;

/**
 * Seconds until another login may be tried, or undefined when one may be tried now. After
 * `max` failures within the window, the lock lasts until the oldest of the last `max`
 * failures leaves the window.
 */
export function lockedFor(failures: readonly string[], max: number, now: Date): number | undefined {
  const since = now.getTime() - FAILURE_WINDOW_SECONDS * 1000;
  const recent = failures
    .map((at) => Date.parse(at))
    .filter((at) => at > since)
    .sort((a, b) => a - b);
  if (recent.length < max) return undefined;
  const leaving = recent[recent.length - max] as number;
  return Math.max(1, Math.ceil((leaving + FAILURE_WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
}
