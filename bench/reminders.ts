/**
 * The reminder sweep at scale: N cards of one operator with `validUntil` spread over two
 * years around today, then three days' sweeps (the set-based `INSERT … SELECT` into the outbox)
 * and its dispatch to the console-and-file transport, each as a rate beside the database's
 * own bulk insert of rows of the outbox's shape, measured in the same run. PostgreSQL runs
 * in a database created and dropped here, SQLite in a file in a temp dir.
 *
 * Part of `npm run bench`; `node --import tsx bench/reminders.ts` runs it alone
 * (BENCH_REMINDER_CARDS, BENCH_DATABASE_URL as for run.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { addDays, todayIn } from '../src/cards/calendar.js';
import type { Operator } from '../src/catalog/model.js';
import { loadConfig } from '../src/config.js';
import { type Db, migrate, openDatabase } from '../src/db/database.js';
import type { DispatchReport } from '../src/notify/dispatcher.js';
import { enqueueDay, type LateScope } from '../src/reminders/reminder-sweep.js';
import { createServices, type Services } from '../src/services.js';
import type { Clock } from '../src/shared/clock.js';
import { BENCH_MASTER_KEY } from './load.js';

export interface BenchRow {
  label: string;
  value: number;
  unit: string;
  ratio?: { of: number; target: number };
}

export interface ReminderBenchOptions {
  /** A PostgreSQL role that may create databases. */
  postgresUrl: string;
  cards: number;
  log: (line: string) => void;
}

const TIME_ZONE = 'Asia/Shanghai';
/** Cards expire on one of this many days, half before today and half after. */
const SPREAD_DAYS = 730;
/** Days swept one after the other (each the sweep of one day). */
const SWEPT_DAYS = 3;
/** One card in this many was changed just now; the rest long before any step's day. */
const RECENT_EVERY = 100;
/** Rows of the large bulk insert, shown for reference. */
const LARGE_ROWS = 300_000;
const TARGET = 0.5;
const OUTBOX_COLUMNS = 'id, kind, operator_id, card_id, valid_until, step, status, attempts, next_attempt_at, created_at';

/** What differs between the databases: seeding cards, settling them, the bulk-insert baseline. */
interface BenchDatabase {
  name: string;
  url: string;
  /**
   * Seeds `count` cards, created and last changed at `longAgo` (a card expiring soon was
   * bought or renewed months ago), but for one in `RECENT_EVERY`, changed at `nowIso` (an
   * import or a renewal of today), which the sweep must look at for missed steps.
   */
  seedCards(operatorId: string, count: number, today: string, nowIso: string, longAgo: string): Promise<string>;
  /** Inserts `rows` reminder-shaped rows into a new table `table` like `outbox`, with its indexes or without. */
  bulkInsert(table: string, operatorId: string, rows: number, day: string, nowIso: string, indexes: boolean): Promise<string>;
  /**
   * Statistics, and the seeding's writes flushed before anything is timed: a table of cards
   * in service has long been vacuumed and checkpointed. Returns what it ran.
   */
  settle(): Promise<string>;
  close(): Promise<void>;
}

export async function reminderBench(options: ReminderBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const open of [openPostgres, openSqlite]) {
    const target = await open(options.postgresUrl);
    try {
      rows.push(...(await benchOne(target, options)));
    } finally {
      await target.close();
    }
  }
  return rows;
}

async function benchOne(target: BenchDatabase, options: ReminderBenchOptions): Promise<BenchRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-bench-reminders-'));
  const db = openDatabase(target.url);
  try {
    await migrate(db);
    const config = loadConfig({
      SIMKEEP_DATA_DIR: dataDir,
      SIMKEEP_SECRET: 'bench-secret-0123456789abcdef0123',
      SIMKEEP_MASTER_KEY: BENCH_MASTER_KEY,
      LOG_LEVEL: 'warn',
    });
    const services = await createServices(db, config, middayClock(TIME_ZONE));
    const rows = await measure(target, services, await seedOperator(services), options);
    await checkSent(db, dataDir);
    await services.transports.close();
    return rows;
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(target: BenchDatabase, services: Services, operator: Operator, { cards, log }: ReminderBenchOptions): Promise<BenchRow[]> {
  const nowIso = services.clock.now().toISOString();
  const today = todayIn(TIME_ZONE, services.clock.now());
  const longAgo = new Date(services.clock.now().getTime() - 400 * 24 * 60 * 60_000).toISOString();
  const seeding = await timed(() => target.seedCards(operator.id, cards, today, nowIso, longAgo));
  const settling = await timed(() => target.settle());
  log(`${target.name}: ${cards} cards seeded by ${seeding.result} in ${seconds(seeding.ms)}, then ${settling.result} in ${seconds(settling.ms)}`);

  // Yesterday's sweep, untimed: the server that sweeps today swept yesterday too, so the timed
  // sweeps run on a connection that has run this statement before, as the baseline's has.
  const yesterday = await sweepDay(services, operator, addDays(today, -1), true);
  // Three days' sweeps, each as the sweeper runs it, then one dispatch of everything they enqueued.
  let swept = 0;
  let sweepMs = 0;
  for (let day = 0; day < SWEPT_DAYS; day++) {
    const sweep = await timed(() => sweepDay(services, operator, addDays(today, day)));
    swept += sweep.result;
    sweepMs += sweep.ms;
  }
  const dispatch = await timed(() => dispatchAll(services));
  if (swept === 0 || dispatch.result.sent !== yesterday + swept) {
    throw new Error(`reminder bench: ${swept} reminders enqueued, but the dispatch reported ${JSON.stringify(dispatch.result)}`);
  }
  log(`${target.name}: ${SWEPT_DAYS} days' sweeps enqueued ${swept} reminders in ${seconds(sweepMs)}; dispatch sent them in ${seconds(dispatch.ms)}`);

  // The baseline: as many rows as the sweeps wrote, so both carry the same per-statement costs (median of three).
  const baselines: number[] = [];
  let how = '';
  for (let run = 0; run < 3; run++) {
    const bulk = await timed(() => target.bulkInsert(`scratch_outbox_${run}`, operator.id, swept, today, nowIso, true));
    baselines.push(bulk.ms);
    how = bulk.result;
  }
  const bulkMs = baselines.sort((a, b) => a - b)[1] ?? Number.NaN;
  const bulkRate = perSecond(swept, bulkMs);
  const large = await timed(() => target.bulkInsert('scratch_outbox_large', operator.id, LARGE_ROWS, today, nowIso, true));
  const bare = await timed(() => target.bulkInsert('scratch_outbox_bare', operator.id, LARGE_ROWS, today, nowIso, false));
  log(`${target.name}: bulk insert by ${how}: ${swept} rows in ${baselines.map((ms) => seconds(ms)).join(', ')}`);
  log(`${target.name}: ${LARGE_ROWS} rows: ${rate(LARGE_ROWS, large.ms)} with the indexes, ${rate(LARGE_ROWS, bare.ms)} without`);

  const ratio = { of: bulkRate, target: TARGET };
  return [
    { label: `${target.name}: seeding cards`, value: perSecond(cards, seeding.ms), unit: 'cards/s' },
    { label: `${target.name}: bulk insert, ${LARGE_ROWS} rows`, value: perSecond(LARGE_ROWS, large.ms), unit: 'rows/s' },
    { label: `${target.name}: bulk insert, ${swept} rows (baseline)`, value: bulkRate, unit: 'rows/s' },
    { label: `${target.name}: reminder sweep, ${SWEPT_DAYS} days`, value: perSecond(swept, sweepMs), unit: 'reminders/s', ratio },
    { label: `${target.name}: reminder dispatch to file`, value: perSecond(dispatch.result.sent, dispatch.ms), unit: 'messages/s', ratio },
  ];
}

/** Today at 12:00 in the zone, then running at the real pace (so the services' caches expire as in production). */
function middayClock(timeZone: string): Clock {
  const midday = Temporal.Now.plainDateISO(timeZone).toZonedDateTime({ timeZone, plainTime: '12:00' }).epochMilliseconds;
  const started = performance.now();
  return { now: () => new Date(midday + (performance.now() - started)) };
}

/** One operator with two plans and its default notification settings, but no quiet hours. */
async function seedOperator(services: Services): Promise<Operator> {
  const principal = { tokenId: 'bench', operatorId: null };
  const operator = await services.catalogService.createOperator(principal, { code: 'bench', name: 'Bench Telecom', displayName: 'Bench Mobile' });
  await services.catalogService.createPlan(principal, 'bench', { code: 'm1', name: { 'zh-CN': '1个月', en: '1 month' }, months: 1, price: 800 });
  await services.catalogService.createPlan(principal, 'bench', { code: 'y1', name: { 'zh-CN': '12个月', en: '12 months' }, months: 12, price: 8800 });
  await services.notificationSettings.update(operator.id, { quietHours: { start: '00:00', end: '00:00' } });
  return operator;
}

/**
 * One day's `enqueueDay`, as the sweeper runs it: in a transaction of its own (it takes the
 * operator's lock), looking for late cards among those that may have missed a step since
 * the day before (every card, on the first day).
 */
async function sweepDay({ db, notificationSettings, clock }: Services, operator: Operator, day: string, first = false): Promise<number> {
  const { schedule } = await notificationSettings.of(operator.id);
  const scope: LateScope = first ? 'all' : { lastSwept: addDays(day, -1) };
  return db.kysely.transaction().execute((trx) => enqueueDay(trx, db.dialect, operator, schedule, day, clock.now(), scope));
}

/** Drains the outbox until a pass claims nothing (one `drain()` stops after 100 batches). */
async function dispatchAll(services: Services): Promise<DispatchReport> {
  const total: DispatchReport = { claimed: 0, sent: 0, retried: 0, dead: 0, dropped: 0, held: 0 };
  for (;;) {
    const report = await services.dispatcher.drain();
    for (const key of Object.keys(total) as (keyof DispatchReport)[]) total[key] += report[key];
    if (report.claimed === 0) return total;
  }
}

/** A figure only counts if every reminder the dispatch sent is marked sent and is in the outbox file, once. */
async function checkSent(db: Db, dataDir: string): Promise<void> {
  const { n } = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  const file = path.join(dataDir, 'outbox', 'sms.jsonl');
  const ids = fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: string }).id);
  if (new Set(ids).size !== ids.length || ids.length !== Number(n)) throw new Error(`reminder bench: ${n} rows sent, ${ids.length} lines in ${file}`);
}

/** The day a card expires: `SPREAD_DAYS` consecutive days, every card id taking the next one. */
const expiryOffset = (i: number) => (i % SPREAD_DAYS) - SPREAD_DAYS / 2;
const cardId = (i: number) => `card_${String(i).padStart(26, '0')}`;

async function openPostgres(baseUrl: string): Promise<BenchDatabase> {
  const name = 'simkeep_bench_reminders';
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  // The bench's own statements go through a separate small pool, so they are not named statements.
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  return {
    name: 'PostgreSQL',
    url: url.toString(),
    async seedCards(operatorId, count, today, nowIso, longAgo) {
      // Card ids, numbers and ICCIDs follow i; the ICCIDs are not Luhn-valid, nothing here reads them.
      await pool.query(
        `INSERT INTO cards (id, operator_id, msisdn, iccid, valid_until, anchor_day, blocked, created_at, updated_at)
         SELECT 'card_' || lpad(i::text, 26, '0'), $1, '+86137' || lpad(i::text, 8, '0'), '898600' || lpad(i::text, 14, '0'),
                to_char(d, 'YYYY-MM-DD'), extract(day from d)::int, 0, $5, CASE WHEN i % ${RECENT_EVERY} = 0 THEN $2 ELSE $5 END
         FROM generate_series(1, $3::int) AS i, LATERAL (SELECT $4::date + (i % ${SPREAD_DAYS}) - ${SPREAD_DAYS / 2} AS d) AS expiry`,
        [operatorId, nowIso, count, today, longAgo],
      );
      return 'one INSERT … SELECT from generate_series';
    },
    async bulkInsert(table, operatorId, rows, day, nowIso, indexes) {
      await pool.query(`CREATE TABLE ${table} (LIKE outbox ${indexes ? 'INCLUDING ALL' : ''})`);
      await pool.query(
        `INSERT INTO ${table} (${OUTBOX_COLUMNS})
         SELECT 'rem:card_' || lpad(i::text, 26, '0') || ':' || $3 || ':before-30', 'reminder', $1, 'card_' || lpad(i::text, 26, '0'), $3,
                'before-30', 'pending', 0, $2, $2
         FROM generate_series(1, $4::int) AS i`,
        [operatorId, nowIso, day, rows],
      );
      return `INSERT … SELECT from generate_series into a table LIKE outbox${indexes ? ' INCLUDING ALL' : ''}`;
    },
    async settle() {
      await pool.query('VACUUM ANALYZE');
      // CHECKPOINT needs a superuser or pg_checkpoint; without it the figures are only noisier.
      const checkpointed = await pool.query('CHECKPOINT').then(
        () => true,
        (error: { code?: string }) => {
          if (error.code !== '42501') throw error;
          return false;
        },
      );
      return checkpointed ? 'VACUUM ANALYZE, CHECKPOINT' : 'VACUUM ANALYZE (no right to CHECKPOINT)';
    },
    async close() {
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function openSqlite(): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-bench-reminders-sqlite-'));
  const file = path.join(dir, 'bench.db');
  // A second connection to the file, with the app's settings, for the bench's own statements.
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  return {
    name: 'SQLite',
    url: `sqlite://${file}`,
    async seedCards(operatorId, count, today, nowIso, longAgo) {
      const days = Array.from({ length: SPREAD_DAYS }, (_, k) => addDays(today, expiryOffset(k)));
      const insert = raw.prepare(
        `INSERT INTO cards (id, operator_id, msisdn, iccid, valid_until, anchor_day, blocked, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      );
      raw.transaction(() => {
        for (let i = 1; i <= count; i++) {
          const validUntil = days[i % SPREAD_DAYS] ?? today;
          const n = String(i);
          insert.run(
            cardId(i),
            operatorId,
            `+86137${n.padStart(8, '0')}`,
            `898600${n.padStart(14, '0')}`,
            validUntil,
            Number(validUntil.slice(8)),
            longAgo,
            i % RECENT_EVERY === 0 ? nowIso : longAgo,
          );
        }
      })();
      return 'a prepared insert loop in one transaction';
    },
    async bulkInsert(table, operatorId, rows, day, nowIso, indexes) {
      // The outbox's own CREATE statements, renamed: same columns, key and (optionally) indexes.
      const schema = raw.prepare("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'outbox' AND sql IS NOT NULL").all() as { type: string; sql: string }[];
      for (const { type, sql: statement } of schema) {
        if (type === 'table' || indexes) raw.exec(statement.replaceAll('outbox', table));
      }
      const insert = raw.prepare(`INSERT INTO ${table} (${OUTBOX_COLUMNS}) VALUES (?, 'reminder', ?, ?, ?, 'before-30', 'pending', 0, ?, ?)`);
      raw.transaction(() => {
        for (let i = 1; i <= rows; i++) {
          const card = cardId(i);
          insert.run(`rem:${card}:${day}:before-30`, operatorId, card, day, nowIso, nowIso);
        }
      })();
      return `a prepared insert loop in one transaction into a copy of outbox${indexes ? ' with its indexes' : ''}`;
    },
    async settle() {
      raw.exec('ANALYZE');
      raw.pragma('wal_checkpoint(TRUNCATE)');
      return 'ANALYZE, wal_checkpoint(TRUNCATE)';
    },
    async close() {
      raw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const perSecond = (count: number, ms: number) => (count * 1000) / ms;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (count: number, ms: number) => `${Math.round(perSecond(count, ms))} rows/s`;

function formatRow({ label, value, unit, ratio }: BenchRow): string {
  const r = ratio ? `  ${(value / ratio.of).toFixed(2)}× (target ≥ ${ratio.target}×) ${value / ratio.of >= ratio.target ? 'met' : 'NOT met'}` : '';
  return `${label.padEnd(44)} ${value.toFixed(0).padStart(8)} ${unit}${r}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await reminderBench({
    postgresUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
    cards: Number(process.env.BENCH_REMINDER_CARDS ?? 1_000_000),
    log: (line) => console.log(`  (${line})`),
  });
  for (const row of rows) console.log(formatRow(row));
}
