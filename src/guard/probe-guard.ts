/**
 * Anti-probing: lookups, quotes and orders that answer `card_not_found` count as failed
 * attempts, per MSISDN and per client IP. Past the limit within the window, further
 * requests for that MSISDN or from that IP answer `429 too_many_attempts` until the
 * oldest counted failure leaves the window. Kept in the database so every process agrees.
 */
import type { LookupLimits } from '../config.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';

export class ProbeGuard {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: LookupLimits,
  ) {}

  private get windowMs(): number {
    return this.limits.windowMinutes * 60_000;
  }

  /** Throws `too_many_attempts` when the MSISDN or the IP is locked out. */
  async check(msisdn: string, ip: string): Promise<void> {
    const now = this.clock.now().getTime();
    const since = new Date(now - this.windowMs).toISOString();
    const rows = await this.db.kysely
      .selectFrom('probe_failures')
      .select(['subject', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('at').as('first')])
      .where('subject', 'in', [`msisdn:${msisdn}`, `ip:${ip}`])
      .where('at', '>', since)
      .groupBy('subject')
      .execute();
    for (const row of rows) {
      const limit = row.subject.startsWith('ip:') ? this.limits.perIp : this.limits.perMsisdn;
      if (Number(row.n) >= limit) {
        const retryAfter = Math.max(1, Math.ceil((Date.parse(String(row.first)) + this.windowMs - now) / 1000));
        throw new DomainError('too_many_attempts', 'Too many failed attempts; try again later.', { retryAfter });
      }
    }
  }

  async recordFailure(msisdn: string, ip: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.db.kysely
      .insertInto('probe_failures')
      .values([
        { id: newId('pf'), subject: `msisdn:${msisdn}`, at },
        { id: newId('pf'), subject: `ip:${ip}`, at },
      ])
      .execute();
  }

  /** Forgets failures older than the window. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.windowMs).toISOString();
    const result = await this.db.kysely.deleteFrom('probe_failures').where('at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
