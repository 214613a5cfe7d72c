/**
 * Idempotency keys. The first request with a key claims it; the response of a successful
 * one is stored and replayed for the same key and body within 24 h. A different body is
 * `idempotency_key_reused`; a request arriving while the first still runs is
 * `idempotency_key_in_progress`. A request that fails releases its claim, so a retry may
 * succeed.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim older than this is taken to belong to a process that died mid-request. */
const STALE_CLAIM_MS = 60_000;

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

export class Idempotency {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` once per key. `work` receives `transact`, which runs its part in a
   * transaction that also stores the response, so the record and its answer commit together.
   */
  async run(scope: string, key: string, body: unknown, work: (transact: Transact) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const replay = await this.claim(scope, key, hash);
    if (replay) return { ...replay, replayed: true };
    const transact: Transact = (fn) =>
      this.db.kysely.transaction().execute(async (trx) => {
        const response = await fn(trx);
        await trx
          .updateTable('idempotency_keys')
          .set({ state: 'done', response_status: response.status, response_body: JSON.stringify(response.body) })
          .where('scope', '=', scope)
          .where('key', '=', key)
          .execute();
        return response;
      });
    try {
      return { ...(await work(transact)), replayed: false };
    } catch (error) {
      await this.db.kysely.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
      throw error;
    }
  }

  /** Claims the key, or answers the stored response; throws when it cannot do either. */
  private async claim(scope: string, key: string, hash: string): Promise<StoredResponse | undefined> {
    const now = this.clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.kysely
        .insertInto('idempotency_keys')
        .values({ scope, key, request_hash: hash, state: 'in_progress', response_status: null, response_body: null, created_at: now.toISOString() })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return undefined;

      const row = await this.db.kysely.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      if (!row) continue; // released meanwhile: claim again
      const age = now.getTime() - Date.parse(row.created_at);
      const stale = age > IDEMPOTENCY_TTL_MS || (row.state === 'in_progress' && age > STALE_CLAIM_MS);
      if (stale) {
        await this.db.kysely
          .deleteFrom('idempotency_keys')
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('created_at', '=', row.created_at)
          .execute();
        continue;
      }
      if (row.request_hash !== hash) {
        throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
      }
      if (row.state === 'in_progress') {
        throw new DomainError('idempotency_key_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
      }
      return { status: row.response_status ?? 200, body: JSON.parse(row.response_body ?? 'null') };
    }
    throw new DomainError('idempotency_key_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }

  async prune(): Promise<void> {
    const before = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    await this.db.kysely.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
  }
}
