/**
 * Card import from CSV, against SQLite always and PostgreSQL when TEST_DATABASE_URL is set
 * (a fresh database for this file, dropped after): counts, bad rows by line, conflicts with
 * cards in use and within the file, idempotent re-runs, batching and progress.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCards } from '../src/cards/card-import.js';
import { registerCards } from '../src/cards/card-service.js';
import { Catalog } from '../src/catalog/catalog.js';
import { CatalogService } from '../src/catalog/catalog-service.js';
import type { Operator } from '../src/catalog/model.js';
import { type Db, migrate, openDatabase } from '../src/db/database.js';
import { ManualClock } from '../src/shared/clock.js';
import { luhnCheckDigit } from '../src/shared/iccid.js';

const pgUrl = process.env.TEST_DATABASE_URL;
const NOW = new Date('2026-05-01T08:00:00Z');
const HEADER = 'msisdn,iccid,validUntil';

interface Target {
  name: string;
  open(): Promise<{ url: string; drop(): Promise<void> }>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `simkeep_import_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl as string);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const targets: Target[] = [{ name: 'SQLite', open: async () => ({ url: 'sqlite://:memory:', drop: async () => {} }) }];
if (pgUrl) targets.push({ name: 'PostgreSQL', open: freshPostgres });

/** A valid Chinese mobile number and a valid 19-digit ICCID for index n. */
const msisdn = (n: number) => `+86138${String(n).padStart(8, '0')}`;
function iccid(n: number): string {
  const payload = `898601${String(n).padStart(12, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}
const row = (n: number, validUntil = '2026-12-31') => `${msisdn(n)},${iccid(n)},${validUntil}`;
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe.each(targets)('importCards on $name', (target) => {
  let db: Db;
  let dropDatabase: () => Promise<void>;
  let operator: Operator;
  let other: Operator;

  beforeAll(async () => {
    const opened = await target.open();
    dropDatabase = opened.drop;
    db = openDatabase(opened.url);
    await migrate(db);
    const clock = new ManualClock(NOW);
    const catalog = new CatalogService(db, new Catalog(db, clock), clock);
    operator = await catalog.createOperator({ tokenId: 't', operatorId: null }, { code: 'demo', name: 'Demo' });
    other = await catalog.createOperator({ tokenId: 't', operatorId: null }, { code: 'other', name: 'Other' });
  });

  afterAll(async () => {
    await db?.close();
    await dropDatabase?.();
  });

  beforeEach(async () => {
    await db.kysely.deleteFrom('card_events').execute();
    await db.kysely.deleteFrom('cards').execute();
  });

  const cardCount = async () =>
    (
      await db.kysely
        .selectFrom('cards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const eventCount = async () =>
    (
      await db.kysely
        .selectFrom('card_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('imports valid rows and counts them', async () => {
    const report = await importCards(db, operator, csv(row(1), row(2), row(3, '2027-02-28')), { now: NOW });
    expect(report).toEqual({ rows: 3, imported: 3, skipped: 0, invalid: [], conflicts: [] });
    const cards = await db.kysely.selectFrom('cards').selectAll().orderBy('msisdn').execute();
    expect(cards.map((c) => [c.msisdn, c.iccid, c.valid_until, c.operator_id, c.anchor_day])).toEqual([
      [msisdn(1), iccid(1), '2026-12-31', operator.id, 31],
      [msisdn(2), iccid(2), '2026-12-31', operator.id, 31],
      [msisdn(3), iccid(3), '2027-02-28', operator.id, 28],
    ]);
    expect(await eventCount()).toBe(3);
  });

  it('reports bad rows by line with reasons and imports only the good ones', async () => {
    const badLuhn = `${iccid(3).slice(0, -1)}${(Number(iccid(3).slice(-1)) + 1) % 10}`;
    const text = csv(
      row(1),
      `+86123,${iccid(2)},2026-12-31`,
      `${msisdn(3)},${badLuhn},2026-12-31`,
      `${msisdn(4)},${iccid(4)},2026-02-30`,
      `${msisdn(5)},,2026-12-31`,
      `${msisdn(6)},${iccid(6)}`,
      row(7),
    );
    const report = await importCards(db, operator, text, { now: NOW });
    expect(report.rows).toBe(7);
    expect(report.imported).toBe(2);
    expect(report.conflicts).toEqual([]);
    expect(report.invalid.map((p) => p.line)).toEqual([3, 4, 5, 6, 7]);
    const reasons = report.invalid.map((p) => p.reason);
    expect(reasons[0]).toMatch(/^msisdn: not a valid E\.164 number/);
    expect(reasons[1]).toMatch(/^iccid: .*Luhn/);
    expect(reasons[2]).toBe('validUntil: not a date YYYY-MM-DD');
    expect(reasons[3]).toBe('iccid: missing');
    expect(reasons[4]).toBe('expected 3 fields, found 2');
    const stored = await db.kysely.selectFrom('cards').select('msisdn').orderBy('msisdn').execute();
    expect(stored.map((c) => c.msisdn)).toEqual([msisdn(1), msisdn(7)]);
  });

  it('reports conflicts with cards in use and skips identical rows', async () => {
    await importCards(db, operator, csv(row(1), row(2), row(3)), { now: NOW });
    await importCards(db, other, csv(row(4)), { now: NOW });
    const text = csv(
      `${msisdn(1)},${iccid(11)},2026-12-31`, // number in use with another SIM
      `${msisdn(12)},${iccid(2)},2026-12-31`, // SIM in use with another number
      row(3), // identical
      `${msisdn(3)},${iccid(3)},2027-06-30`, // same card, another date
      row(4), // identical, but another operator's card
      row(5),
    );
    const report = await importCards(db, operator, text, { now: NOW });
    expect(report).toMatchObject({ rows: 6, imported: 1, skipped: 1, invalid: [] });
    expect(report.conflicts).toEqual([
      { line: 2, reason: 'msisdn: A card in use already has this number.' },
      { line: 3, reason: 'iccid: A card in use already has this SIM serial.' },
      { line: 5, reason: expect.stringMatching(/^msisdn: /) },
      { line: 6, reason: 'msisdn: A card in use already has this number.' },
    ]);
    const card1 = await db.kysely.selectFrom('cards').selectAll().where('msisdn', '=', msisdn(1)).execute();
    expect(card1.map((c) => c.iccid)).toEqual([iccid(1)]);
    expect(await cardCount()).toBe(5);
  });

  it('treats a later row repeating a number or SIM of the same file as a conflict', async () => {
    const text = csv(
      row(1),
      row(2),
      row(1), // exact repeat
      `${msisdn(1)},${iccid(9)},2026-12-31`,
      `${msisdn(9)},${iccid(2)},2026-12-31`,
      `${msisdn(2)},${iccid(2)},2027-01-31`,
    );
    const report = await importCards(db, operator, text, { now: NOW, batchSize: 2 });
    expect(report).toEqual({
      rows: 6,
      imported: 2,
      skipped: 1,
      invalid: [],
      conflicts: [
        { line: 5, reason: 'msisdn: line 2 has this number with another SIM serial' },
        { line: 6, reason: 'iccid: line 3 has this SIM serial with another number' },
        { line: 7, reason: 'msisdn: line 3 has this number with another validUntil' },
      ],
    });
  });

  it('changes nothing when the same file is imported again', async () => {
    const text = csv(row(1), row(2), `bad,${iccid(3)},2026-12-31`, row(4));
    const first = await importCards(db, operator, text, { now: NOW });
    expect(first).toMatchObject({ imported: 3, skipped: 0 });
    const before = await db.kysely.selectFrom('cards').selectAll().orderBy('id').execute();
    const events = await eventCount();
    const again = await importCards(db, operator, text, { now: new Date(NOW.getTime() + 3_600_000) });
    expect(again).toEqual({ rows: 4, imported: 0, skipped: 3, invalid: first.invalid, conflicts: [] });
    expect(await db.kysely.selectFrom('cards').selectAll().orderBy('id').execute()).toEqual(before);
    expect(await eventCount()).toBe(events);
  });

  it('commits in batches, reports progress per batch, and a conflict does not abort its batch', async () => {
    await importCards(db, other, csv(row(3)), { now: NOW });
    const progress: number[] = [];
    const text = csv(row(1), row(2), row(3), row(4), row(5));
    const report = await importCards(db, operator, text, { now: NOW, batchSize: 2, onProgress: (n) => progress.push(n) });
    expect(progress).toEqual([2, 4, 5]);
    expect(report).toMatchObject({ rows: 5, imported: 4, skipped: 0, invalid: [] });
    expect(report.conflicts.map((c) => c.line)).toEqual([4]);
    expect(await cardCount()).toBe(5);
  });

  it("gives a recycled card's number to the new card, retiring the old one, and writes nothing for a row in conflict", async () => {
    // Recycled by 2026-05-01 (NOW): past its 30 days of grace and 90 of suspension.
    await importCards(db, other, csv(row(1, '2025-12-31'), row(2, '2025-12-31')), { now: NOW });
    await importCards(db, operator, csv(row(3)), { now: NOW });
    const text = csv(
      `${msisdn(1)},${iccid(11)},2027-01-31`, // takes the recycled number 1
      `${msisdn(1)},${iccid(11)},2027-01-31`, // the same again, in the same batch: unchanged
      `${msisdn(2)},${iccid(3)},2027-01-31`, // number 2 is recycled, but SIM 3 is in use
    );
    const report = await importCards(db, operator, text, { now: NOW });
    expect(report).toEqual({
      rows: 3,
      imported: 1,
      skipped: 1,
      invalid: [],
      conflicts: [{ line: 4, reason: 'iccid: A card in use already has this SIM serial.' }],
    });
    const holders = async (n: number) =>
      db.kysely
        .selectFrom('cards')
        .select(['operator_id', 'iccid', 'retired_at'])
        .where('msisdn', '=', msisdn(n))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    expect(await holders(1)).toEqual(
      expect.arrayContaining([
        { operator_id: other.id, iccid: iccid(1), retired_at: NOW.toISOString() },
        { operator_id: operator.id, iccid: iccid(11), retired_at: null },
      ]),
    );
    // The conflicting row left number 2's recycled card as it was.
    expect(await holders(2)).toEqual([{ operator_id: other.id, iccid: iccid(2), retired_at: null }]);
    const events = await db.kysely.selectFrom('card_events').select(['kind']).where('at', '=', NOW.toISOString()).execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['created', 'created', 'created', 'created', 'retired']);
  });

  it('registers a number twice in one call when the first card is already recycled: it goes in retired', async () => {
    const results = await db.kysely.transaction().execute((trx) =>
      registerCards(
        trx,
        operator,
        [
          { msisdn: msisdn(1), iccid: iccid(1), validUntil: '2025-12-31' }, // recycled by NOW
          { msisdn: msisdn(1), iccid: iccid(2), validUntil: '2027-01-31' },
        ],
        NOW,
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(['created', 'created']);
    const cards = await db.kysely.selectFrom('cards').select(['id', 'iccid', 'retired_at']).where('msisdn', '=', msisdn(1)).execute();
    expect(cards.map(({ iccid, retired_at }) => ({ iccid, retired_at })).sort((a, b) => a.iccid.localeCompare(b.iccid))).toEqual([
      { iccid: iccid(1), retired_at: NOW.toISOString() },
      { iccid: iccid(2), retired_at: null },
    ]);
    const events = await db.kysely.selectFrom('card_events').select(['card_id', 'kind']).orderBy('id').execute();
    const first = cards.find((c) => c.iccid === iccid(1))?.id;
    const second = cards.find((c) => c.iccid === iccid(2))?.id;
    expect(events).toEqual([
      { card_id: first, kind: 'created' },
      { card_id: first, kind: 'retired' },
      { card_id: second, kind: 'created' },
    ]);
  });

  it('imports a batch of 2 000 rows at once, and refuses a larger batch size', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i + 1));
    const report = await importCards(db, operator, csv(...rows), { now: NOW, batchSize: 2000 });
    expect(report).toMatchObject({ rows: 2000, imported: 2000, skipped: 0, invalid: [], conflicts: [] });
    expect(await cardCount()).toBe(2000);
    await expect(importCards(db, operator, csv(row(1)), { now: NOW, batchSize: 2001 })).rejects.toThrow('batchSize must be an integer from 1 to 2000');
  });

  it('reads a stream, with columns in any order, a BOM, CRLF line ends and quoted fields', async () => {
    const lines = ['\ufeffvalidUntil,msisdn,iccid', `2026-12-31,${msisdn(1)},${iccid(1)}`, '', `"2027-01-31","${msisdn(2)}",${iccid(2)}`, ''];
    const stream = Readable.from([Buffer.from(lines.join('\r\n'))]);
    const progress: number[] = [];
    const report = await importCards(db, operator, stream, { now: NOW, onProgress: (n) => progress.push(n) });
    expect(report).toEqual({ rows: 2, imported: 2, skipped: 0, invalid: [], conflicts: [] });
    expect(progress).toEqual([2]);
    const card2 = await db.kysely.selectFrom('cards').selectAll().where('msisdn', '=', msisdn(2)).executeTakeFirstOrThrow();
    expect(card2.valid_until).toBe('2027-01-31');
  });

  it('reports a row spanning lines by the line it starts on', async () => {
    const report = await importCards(db, operator, csv(row(1), `"+86\n138",${iccid(2)},2026-12-31`, row(3)), { now: NOW });
    expect(report.invalid.map((p) => p.line)).toEqual([3]);
    expect(report.imported).toBe(2);
  });

  it('stops on a database error, rolling back the batch, and on a failing stream', async () => {
    const ghost: Operator = { ...operator, id: 'op_missing' };
    await expect(importCards(db, ghost, csv(row(1), row(2)), { now: NOW })).rejects.toThrow();
    expect(await cardCount()).toBe(0);
    const failing = new Readable({
      read() {
        this.push(`${HEADER}\n${row(1)}\n`);
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(importCards(db, operator, failing, { now: NOW })).rejects.toThrow('disk gone');
  });

  it('rejects a header missing a column, naming it and the expected header', async () => {
    const text = `msisdn,validUntil\n${msisdn(1)},2026-12-31`;
    await expect(importCards(db, operator, text, { now: NOW })).rejects.toThrow(
      'The CSV header is missing the column "iccid"; the header must be exactly msisdn,iccid,validUntil (in any order).',
    );
    await expect(importCards(db, operator, `MSISDN,iccid,validUntil\n${row(1)}`, { now: NOW })).rejects.toThrow(/missing the column "msisdn"/);
    await expect(importCards(db, operator, `${HEADER},note\n${row(1)},x`, { now: NOW })).rejects.toThrow(/unknown column "note"/);
    await expect(importCards(db, operator, '', { now: NOW })).rejects.toThrow(/empty/);
    expect(await cardCount()).toBe(0);
  });
});

if (!pgUrl) {
  describe.skipIf(true)('PostgreSQL', () => {
    it('PostgreSQL: skipped (set TEST_DATABASE_URL to run)', () => {});
  });
}
