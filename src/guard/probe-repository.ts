/**
 * Anti-probing's log in the database (`probe_failures`): one entry per failed attempt (or
 * remote queue join) and subject, counted within a window and pruned after it, read with
 * the cards looked up so that a batch of finds is one statement. Each function takes the
 * Kysely instance it runs on (`Db` where the dialect shapes the SQL).
 */
import { type Kysely, sql } from 'kysely';
import type { CardRow } from '../cards/card-repository.js';
import type { Db } from '../db/database.js';
import { leftJoinOne, readEach } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';

/** A number looked up, with the subjects its failures are counted under. */
export interface LookupSubjects {
  msisdn: string;
  by_number: string;
  by_pair: string;
  by_ip: string;
}

export interface CardAndFailures {
  card: CardRow | undefined;
  numberFailures: number;
  pairFailures: number;
  ipFailures: number;
}

/**
 * Each number's live card with the entries since `since` of its three subjects, for a
 * batch of lookups in one statement: the batch travels as one JSON parameter, and each
 * count is one probe of the `(subject, at)` index.
 */
export async function liveCardsWithFailures(db: Db, lookups: readonly LookupSubjects[], since: string): Promise<CardAndFailures[]> {
  const failures = (subject: 'q.by_number' | 'q.by_pair' | 'q.by_ip') =>
    sql`(select count(*) from probe_failures as p where p.subject = ${sql.raw(subject)} and p.at > ${since})`;
  const rows = await readEach(
    db,
    lookups,
    { msisdn: 'text', by_number: 'text', by_pair: 'text', by_ip: 'text' },
    (q) => sql<CardRow & { i: number; number_failures: number; pair_failures: number; ip_failures: number }>`
      select q.i, c.*, ${failures('q.by_number')} as number_failures, ${failures('q.by_pair')} as pair_failures,
        ${failures('q.by_ip')} as ip_failures
      from ${q} ${leftJoinOne(db.dialect, 'cards', 'c', sql`c.msisdn = q.msisdn and c.retired_at is null`)}`,
  );
  return rows.map(({ number_failures, pair_failures, ip_failures, ...card }) => ({
    card: card.id === null ? undefined : card,
    numberFailures: Number(number_failures),
    pairFailures: Number(pair_failures),
    ipFailures: Number(ip_failures),
  }));
}

/** Per subject with entries since `since`: how many, and the oldest one's time. */
export function entriesSince(db: Kysely<Database>, subjects: readonly string[], since: string) {
  return db
    .selectFrom('probe_failures')
    .select((eb) => ['subject', eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('first')])
    .where('subject', 'in', subjects)
    .where('at', '>', since)
    .groupBy('subject')
    .execute();
}

/** One entry at `at` for each subject. */
export async function recordEntries(db: Kysely<Database>, subjects: readonly string[], at: string): Promise<void> {
  await db
    .insertInto('probe_failures')
    .values(subjects.map((subject) => ({ id: newId('pf'), subject, at })))
    .execute();
}

/** Forgets the entries up to `before`; returns how many. */
export async function forgetEntries(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('probe_failures').where('at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
