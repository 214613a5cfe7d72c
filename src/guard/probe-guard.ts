/**
 * Anti-probing: lookups, quotes and orders that answer `card_not_found` count as failed
 * attempts. Each failure is counted three ways: for the number, for the pair (number,
 * source) and for the source (an IPv4 address or an IPv6 /64). Past a limit within the
 * window, further requests answer `429 too_many_attempts` until the oldest counted
 * failure leaves the window:
 * - a source that failed `perMsisdn` times for a number is locked out of that number, and
 *   one that failed `perIp` times for any numbers is locked out of all of them;
 * - the number as a whole is locked only for the short proof (the ICCID's last 6 digits,
 *   a million possibilities): a stranger's failures cannot stop the owner, who can still
 *   give the whole serial from a source that has not failed.
 * Kept in the database so every process agrees.
 */
import type { CardRow } from '../cards/card-repository.js';
import type { LookupLimits } from '../config.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { Coalescer } from '../shared/coalescer.js';
import { DomainError } from '../shared/errors.js';
import { type CardAndFailures, entriesSince, forgetEntries, liveCardsWithFailures, recordEntries } from './probe-repository.js';

interface FindKey {
  msisdn: string;
  source: string;
}

/**
 * Who is asking, for counting: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber line or host gets a whole /64, so its addresses are one source).
 */
export function sourceOf(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1] as string;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const bySubject = {
  number: (msisdn: string) => `msisdn:${msisdn}`,
  pair: (msisdn: string, source: string) => `pair:${msisdn}@${source}`,
  source: (source: string) => `ip:${source}`,
};

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
   * The live card with the number, unless this source is locked out of the number or of
   * every number, or (for the short proof only) the number is locked as a whole
   * (`too_many_attempts`). Concurrent finds share one statement (see `findMany`), which
   * counts the failures; only a subject at its limit costs a second query, for when its
   * oldest counted failure leaves the window.
   */
  async findCard(msisdn: string, ip: string, proof: { short: boolean }): Promise<CardRow | undefined> {
    const source = sourceOf(ip);
    const found = await this.finds.load({ msisdn, source });
    const { perMsisdn, perIp } = this.limits;
    const numberLocked = proof.short && found.numberFailures >= perMsisdn;
    if (numberLocked || found.pairFailures >= perMsisdn || found.ipFailures >= perIp) {
      await this.assertSubjectsAllowed({
        ...(proof.short ? { [bySubject.number(msisdn)]: perMsisdn } : {}),
        [bySubject.pair(msisdn, source)]: perMsisdn,
        [bySubject.source(source)]: perIp,
      });
    }
    return found.card;
  }

  private readonly finds = new Coalescer((keys: FindKey[]) => this.findMany(keys));

  /** Each number's live card with the failure counts of the number, the pair and the source, for a batch of finds in one statement. */
  private findMany(keys: FindKey[]): Promise<CardAndFailures[]> {
    const since = new Date(this.clock.now().getTime() - this.windowMs).toISOString();
    const lookups = keys.map(({ msisdn, source }) => ({
      msisdn,
      by_number: bySubject.number(msisdn),
      by_pair: bySubject.pair(msisdn, source),
      by_ip: bySubject.source(source),
    }));
    return liveCardsWithFailures(this.db, lookups, since);
  }

  /**
   * For lookups by something other than a card's number (a receipt number, say): throws
   * `too_many_attempts` when that subject or the IP is locked out.
   */
  async assertAllowedFor(subject: string, ip: string): Promise<void> {
    await this.assertSubjectsAllowed({ [`other:${subject}`]: this.limits.perMsisdn, [bySubject.source(sourceOf(ip))]: this.limits.perIp });
  }

  /** Throws `too_many_attempts` when a subject has its limit of entries within the window. */
  private async assertSubjectsAllowed(limits: Record<string, number>): Promise<void> {
    const now = this.clock.now().getTime();
    const since = new Date(now - this.windowMs).toISOString();
    const rows = await entriesSince(this.db.kysely, Object.keys(limits), since);
    for (const row of rows) this.assertAllowed(Number(row.n), row.first, limits[row.subject] as number, now);
  }

  async recordFailureFor(subject: string, ip: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await recordEntries(this.db.kysely, [`other:${subject}`, bySubject.source(sourceOf(ip))], at);
  }

  private assertAllowed(failures: number, first: string | null, limit: number, now: number): void {
    if (failures < limit || first === null) return;
    const retryAfter = Math.max(1, Math.ceil((Date.parse(first) + this.windowMs - now) / 1000));
    throw new DomainError('too_many_attempts', undefined, { retryAfter });
  }

  async recordFailure(msisdn: string, ip: string): Promise<void> {
    const at = this.clock.now().toISOString();
    const source = sourceOf(ip);
    await recordEntries(this.db.kysely, [bySubject.number(msisdn), bySubject.pair(msisdn, source), bySubject.source(source)], at);
  }

  /**
   * Admits one remote queue join to the hall from the IP, or answers `too_many_attempts`
   * once the IP made `joinsPerIp` of them within the window (a script filling a queue with
   * made-up tickets). Joins are counted per hall, since many customers may share an address
   * (a carrier's NAT); they are logged beside the failures and pruned with them.
   */
  async admitJoin(hallId: string, ip: string): Promise<void> {
    const subject = `join:${hallId}:${sourceOf(ip)}`;
    await this.assertSubjectsAllowed({ [subject]: this.limits.joinsPerIp });
    await recordEntries(this.db.kysely, [subject], this.clock.now().toISOString());
  }

  /** Forgets failures older than the window. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.windowMs).toISOString();
    return forgetEntries(this.db.kysely, before);
  }
}
