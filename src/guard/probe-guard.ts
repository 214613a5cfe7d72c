/**
 * Anti-probing: lookups, quotes and orders that answer `card_not_found` count as failed
 * attempts, per MSISDN and per client IP. Past the limit within the window, further
 * requests for that MSISDN or from that IP answer `429 too_many_attempts` until the
 * oldest counted failure leaves the window. Kept in the database so every process agrees.
 */
import { sql } from 'kysely';
import type { CardRow } from '../cards/card-repository.js';
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

  /**
   * The live card with the number, unless the number or the IP is locked out
   * (`too_many_attempts`). One round trip: the failure tallies ride along the card query.
   */
  async findCard(msisdn: string, ip: string): Promise<CardRow | undefined> {
    const now = this.clock.now().getTime();
    const since = new Date(now - this.windowMs).toISOString();
    const byNumber = `msisdn:${msisdn}`;
    const byIp = `ip:${ip}`;
    // One index range per subject; the aggregate always yields one row for the card to join.
    const { rows } = await sql<CardRow & { number_failures: number; number_first: string | null; ip_failures: number; ip_first: string | null }>`
      select c.*, f.number_failures, f.number_first, f.ip_failures, f.ip_first
      from (
        select count(*) filter (where subject = ${byNumber}) as number_failures, min(at) filter (where subject = ${byNumber}) as number_first,
          count(*) filter (where subject = ${byIp}) as ip_failures, min(at) filter (where subject = ${byIp}) as ip_first
        from probe_failures where subject in (${byNumber}, ${byIp}) and at > ${since}
      ) as f
      left join cards as c on c.msisdn = ${msisdn} and c.retired_at is null`.execute(this.db.kysely);
    const row = rows[0];
    if (!row) return undefined;
    this.assertAllowed(Number(row.number_failures), row.number_first, this.limits.perMsisdn, now);
    this.assertAllowed(Number(row.ip_failures), row.ip_first, this.limits.perIp, now);
    if (row.id === null) return undefined;
    const { number_failures: _n, number_first: _nf, ip_failures: _i, ip_first: _if, ...card } = row;
    return card;
  }

  /**
   * For lookups by something other than a card's number (a receipt number, say): throws
   * `too_many_attempts` when that subject or the IP is locked out.
   */
  async assertAllowedFor(subject: string, ip: string): Promise<void> {
    const now = this.clock.now().getTime();
    const since = new Date(now - this.windowMs).toISOString();
    const bySubject = `other:${subject}`;
    const byIp = `ip:${ip}`;
    const { rows } = await sql<{ subject_failures: number; subject_first: string | null; ip_failures: number; ip_first: string | null }>`
      select count(*) filter (where subject = ${bySubject}) as subject_failures, min(at) filter (where subject = ${bySubject}) as subject_first,
        count(*) filter (where subject = ${byIp}) as ip_failures, min(at) filter (where subject = ${byIp}) as ip_first
      from probe_failures where subject in (${bySubject}, ${byIp}) and at > ${since}`.execute(this.db.kysely);
    const row = rows[0];
    if (!row) return;
    this.assertAllowed(Number(row.subject_failures), row.subject_first, this.limits.perMsisdn, now);
    this.assertAllowed(Number(row.ip_failures), row.ip_first, this.limits.perIp, now);
  }

  async recordFailureFor(subject: string, ip: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.db.kysely
      .insertInto('probe_failures')
      .values([
        { id: newId('pf'), subject: `other:${subject}`, at },
        { id: newId('pf'), subject: `ip:${ip}`, at },
      ])
      .execute();
  }

  private assertAllowed(failures: number, first: string | null, limit: number, now: number): void {
    if (failures < limit || first === null) return;
    const retryAfter = Math.max(1, Math.ceil((Date.parse(first) + this.windowMs - now) / 1000));
    throw new DomainError('too_many_attempts', 'Too many failed attempts; try again later.', { retryAfter });
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

  /**
   * Admits one remote queue join to the hall from the IP, or answers `too_many_attempts`
   * once the IP made `joinsPerIp` of them within the window (a script filling a queue with
   * made-up tickets). Joins are counted per hall, since many customers may share an address
   * (a carrier's NAT); they are logged beside the failures and pruned with them.
   */
  async admitJoin(hallId: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - this.windowMs).toISOString();
    const subject = `join:${hallId}:${ip}`;
    const row = await this.db.kysely
      .selectFrom('probe_failures')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('first')])
      .where('subject', '=', subject)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    this.assertAllowed(Number(row.n), row.first, this.limits.joinsPerIp, now.getTime());
    await this.db.kysely
      .insertInto('probe_failures')
      .values({ id: newId('pf'), subject, at: now.toISOString() })
      .execute();
  }

  /** Forgets failures older than the window. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.windowMs).toISOString();
    const result = await this.db.kysely.deleteFrom('probe_failures').where('at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
