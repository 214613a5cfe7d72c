/**
 * Which errors mean "the database cannot be reached right now" rather than "this request is
 * wrong": a connection refused, reset or timed out, a server shutting down or starting up,
 * a connection cut mid-query (PostgreSQL), or a write lock held past the busy timeout
 * (SQLite). The HTTP layer answers these with 503 and `Retry-After`; the process keeps
 * running and the pool reconnects on the next request.
 */

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// PostgreSQL SQLSTATEs: class 08 (connection exception); 57P01 admin shutdown, 57P02 crash
// shutdown, 57P03 cannot connect now (starting up, shutting down, in recovery).
const SERVER_STATES = /^(08...|57P0[123])$/;

const CLIENT_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

const SQLITE_BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_STATES.test(code) || SQLITE_BUSY.has(code))) return true;
  if (CLIENT_MESSAGES.some((m) => error.message.includes(m))) return true;
  // An AggregateError (a host with several addresses, all refused) or a wrapped cause.
  const inner = (error as { errors?: unknown[] }).errors ?? [];
  return inner.some(isDatabaseUnavailable) || (error.cause !== undefined && error.cause !== error && isDatabaseUnavailable(error.cause));
}
