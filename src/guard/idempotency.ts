/**
 * Idempotency keys. A request's work and the record of its answer commit in one
 * transaction, so a key is either unused or answered: there is no claim to write first and
 * none to clean up after a crash. The same key and body within 24 h replays the answer; a
 * different body is `idempotency_key_reused`; a request arriving while another with the
 * key still runs is `idempotency_key_in_progress` — seen in this process by a set of keys
 * in flight, and across PostgreSQL processes by a transaction advisory lock on the key. A
 * request that fails leaves nothing behind, so a retry may succeed.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { Coalescer } from '../shared/coalescer.js';
import { DomainError } from '../shared/errors.js';
import { type Answered, holdKey, type KeySlot, liveAnswer, liveAnswers, pruneAnswers, recordAnswer } from './idempotency-repository.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Transact = <T extends StoredResponse>(fn: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

/** JSON with object keys sorted, so key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const expiredBefore = (now: Date) => new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
const inProgress = () => new DomainError('idempotency_key_in_progress');
const reused = () => new DomainError('idempotency_key_reused');

/** A record's answer to a request with this body hash; `reused` for another body. */
function answerOf(row: Answered | undefined, hash: string): StoredResponse | undefined {
  if (!row) return undefined;
  if (row.request_hash !== hash) throw reused();
  return { status: row.response_status ?? 200, body: JSON.parse(row.response_body ?? 'null') };
}

/** Thrown inside the transaction when another request answered the key first: rolls back this one's work. */
class AnsweredMeanwhile extends Error {}

export class Idempotency {
  /** Keys whose first request is running in this process. */
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` once per key. `work` receives `transact`, which runs its part in a
   * transaction that also records the answer, so the work and its answer commit together.
   */
  async run(scope: string, key: string, body: unknown, work: (transact: Transact) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const slot = `${scope}\n${key}`;
    if (this.running.has(slot)) throw inProgress();
    this.running.add(slot);
    try {
      const stored = answerOf(await this.firstLooks.load({ scope, key }), hash);
      if (stored) return { ...stored, replayed: true };
      const transact: Transact = (fn) =>
        this.db.kysely.transaction().execute(async (trx) => {
          if (!(await holdKey(trx, this.db.dialect, slot))) throw inProgress();
          const response = await fn(trx);
          const now = this.clock.now();
          const answer = {
            request_hash: hash,
            state: 'done' as const,
            response_status: response.status,
            response_body: JSON.stringify(response.body),
            created_at: now.toISOString(),
          };
          // An expired answer not yet pruned gives way; a live one means another request won.
          if (!(await recordAnswer(trx, { scope, key }, answer, expiredBefore(now)))) throw new AnsweredMeanwhile();
          return response;
        });
      try {
        return { ...(await work(transact)), replayed: false };
      } catch (error) {
        if (!(error instanceof AnsweredMeanwhile)) throw error;
        const answer = answerOf(await this.answered(scope, key), hash);
        if (!answer) throw inProgress();
        return { ...answer, replayed: true };
      }
    } finally {
      this.running.delete(slot);
    }
  }

  /** The key's live record, if it has one. */
  private answered(scope: string, key: string): Promise<Answered | undefined> {
    return liveAnswer(this.db.kysely, { scope, key }, expiredBefore(this.clock.now()));
  }

  /** The first look at each key of the requests arriving together, in one statement. */
  private readonly firstLooks = new Coalescer((keys: KeySlot[]) => liveAnswers(this.db, keys, expiredBefore(this.clock.now())));

  prune(): Promise<void> {
    return pruneAnswers(this.db.kysely, expiredBefore(this.clock.now()));
  }
}
