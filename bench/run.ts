/**
 * `npm run bench`: online renewals (order + signed notification) and card lookups on
 * PostgreSQL beside pgbench TPC-B on the same cluster and beside a bare node:http JSON
 * route, all at 16 concurrent clients with the databases' default durability, and the
 * service hall's counter renewals and queue latency with 50 counters (bench/hall.ts); then the
 * same renewals on SQLite; then the reminder sweep and its dispatch over many cards on both
 * databases, beside each database's bulk insert rate (bench/reminders.ts). Prints figures and
 * ratios against the targets.
 *
 * BENCH_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres) names
 * a PostgreSQL role that may create databases; BENCH_SECONDS sets each run's length;
 * BENCH_REMINDER_CARDS the cards of the reminder bench (default 1000000). Arguments pick parts
 * (`npm run bench -- online`, `hall`, `reminders`; pgbench always runs); none runs them all.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { counterRenewals, queueLatency, seedHall } from './hall.js';
import { autocannonRun, BENCH_MASTER_KEY, type Started, startProcess } from './load.js';
import { reminderBench } from './reminders.js';
import { type BenchCard, seedBenchData } from './seed.js';
import { lookupRequests, renewalRequests } from './workloads.js';

const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const REMINDER_CARDS = Number(process.env.BENCH_REMINDER_CARDS ?? 1_000_000);
const HALL_COUNTERS = 50;
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const SANDBOX_SECRET = 'bench-sandbox-secret-0123456789abcdef';

function databaseUrl(name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function recreate(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

function pgbenchTps(): number {
  const url = new URL(databaseUrl('simkeep_bench_pgbench'));
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  const conn = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username)];
  execFileSync('pgbench', [...conn, '-i', '-s', '10', '-q', 'simkeep_bench_pgbench'], { env, stdio: 'ignore' });
  const out = execFileSync('pgbench', [...conn, '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS), 'simkeep_bench_pgbench'], {
    env,
    encoding: 'utf8',
  });
  const match = /tps = ([\d.]+)/.exec(out);
  if (!match?.[1]) throw new Error(`pgbench printed no tps:\n${out}`);
  return Number(match[1]);
}

function simkeep(databaseUrlValue: string, port: number): Promise<Started> {
  return startProcess(
    'node',
    ['dist/cli.js', 'serve'],
    {
      DATABASE_URL: databaseUrlValue,
      PORT: String(port),
      HOST: '127.0.0.1',
      SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
      SIMKEEP_SANDBOX_SECRET: SANDBOX_SECRET,
      // The renewal workload pays by sandbox, which is off unless switched on.
      SIMKEEP_SANDBOX_ENABLED: 'true',
      SIMKEEP_SECRET: 'bench-secret-0123456789abcdef0123',
      SIMKEEP_MASTER_KEY: BENCH_MASTER_KEY,
      LOG_LEVEL: 'warn',
      // The load comes from one address; anti-probing must not throttle the benchmark itself.
      SIMKEEP_LOOKUP_MAX_PER_IP: '1000000',
    },
    `http://127.0.0.1:${port}/readyz`,
  );
}

async function lookups(port: number, cards: BenchCard[]) {
  return autocannonRun(`http://127.0.0.1:${port}`, SECONDS, CONNECTIONS, lookupRequests(cards));
}

/** One renewal = POST /v1/orders, then the provider's signed success notification. */
async function renewals(port: number, cards: BenchCard[]) {
  const result = await autocannonRun(`http://127.0.0.1:${port}`, SECONDS, CONNECTIONS, renewalRequests(cards, SANDBOX_SECRET));
  return { ...result, perSecond: result.requestsPerSecond / 2 };
}

async function countFulfilled(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("select count(*)::int as n from orders where status = 'fulfilled'");
  await client.end();
  return rows[0].n as number;
}

function line(label: string, value: number, unit: string, ratio?: { of: number; target: number }) {
  const r = ratio ? `  ${(value / ratio.of).toFixed(2)}× (target ≥ ${ratio.target}×) ${value / ratio.of >= ratio.target ? 'met' : 'NOT met'}` : '';
  console.log(`${label.padEnd(44)} ${value.toFixed(0).padStart(8)} ${unit}${r}`);
}

// `npm run bench -- online hall reminders` picks parts; none named runs them all.
const PARTS = ['online', 'hall', 'reminders'] as const;
const picked = process.argv.slice(2);
for (const part of picked) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`unknown part ${part}: choose from ${PARTS.join(', ')}`);
const runs = (part: (typeof PARTS)[number]) => picked.length === 0 || picked.includes(part);

async function main() {
  console.log(`simkeep benchmark: ${CONNECTIONS} clients, ${SECONDS} s per run, ${os.cpus().length} cores, node ${process.version}\n`);
  await recreate('simkeep_bench_pgbench');
  const tps = pgbenchTps();
  line('pgbench TPC-B (-s 10 -c 16 -j 2)', tps, 'tps');

  let bareRps = 0;
  if (runs('online')) {
    const bare = await startProcess('node', ['--import', 'tsx', 'bench/bare-server.ts'], { PORT: '3990' }, undefined, 'ready');
    const bareResult = await autocannonRun('http://127.0.0.1:3990', SECONDS, CONNECTIONS, [
      { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msisdn: '+8613800138000', iccid: '900016' }) },
    ]);
    await bare.stop();
    line('bare node:http JSON route', bareResult.requestsPerSecond, 'req/s');
    bareRps = bareResult.requestsPerSecond;
  }

  if (runs('online') || runs('hall')) {
    await recreate('simkeep_bench');
    const pgUrl = databaseUrl('simkeep_bench');
    const pgServer = await simkeep(pgUrl, 3991);
    const pgCards = await seedBenchData(`http://127.0.0.1:3991`, ADMIN_TOKEN, 5000);
    if (runs('online')) {
      const lookup = await lookups(3991, pgCards);
      line('PostgreSQL: card lookups', lookup.requestsPerSecond, 'req/s', { of: bareRps, target: 0.5 });
      const pgRenewals = await renewals(3991, pgCards);
      line('PostgreSQL: online renewals', pgRenewals.perSecond, 'renewals/s', { of: tps, target: 0.35 });
      console.log(`  (errors ${pgRenewals.errors + pgRenewals.non2xx}, fulfilled orders in the database ${await countFulfilled(pgUrl)})`);
    }
    if (runs('hall')) await hallPart(pgCards, tps);
    await pgServer.stop();
  }

  if (runs('online')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-bench-'));
    const sqliteServer = await simkeep(`sqlite://${path.join(dir, 'bench.db')}`, 3992);
    const sqliteCards = await seedBenchData(`http://127.0.0.1:3992`, ADMIN_TOKEN, 5000);
    const sqliteRenewals = await renewals(3992, sqliteCards);
    await sqliteServer.stop();
    line('SQLite: online renewals', sqliteRenewals.perSecond, 'renewals/s', { of: bareRps, target: 0.2 });
    console.log(`  (errors ${sqliteRenewals.errors + sqliteRenewals.non2xx})`);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (runs('reminders')) {
    const reminders = await reminderBench({ postgresUrl: baseUrl, cards: REMINDER_CARDS, log: (note) => console.log(`  (${note})`) });
    for (const row of reminders) line(row.label, row.value, row.unit, row.ratio);
  }
}

/** The service hall on the PostgreSQL server of port 3991: counter renewals and queue latency. */
async function hallPart(pgCards: BenchCard[], tps: number) {
  const hall = await seedHall('http://127.0.0.1:3991', ADMIN_TOKEN, 'bench', HALL_COUNTERS);
  const counter = await counterRenewals('http://127.0.0.1:3991', SECONDS, CONNECTIONS, pgCards, hall.clerks.slice(0, CONNECTIONS));
  line('PostgreSQL: counter renewals', counter.requestsPerSecond, 'renewals/s', { of: tps, target: 0.6 });
  console.log(`  (errors ${counter.errors + counter.non2xx})`);
  // A hall 100 times faster than life (a renewal takes minutes; here 1–3 s), fed as fast as
  // it serves, with four boards watching; then a stress run of 50 ms services and kiosks
  // issuing back to back, far beyond any hall, to show where the latency goes under overload.
  for (const [label, pace] of [
    ['100× pace', { serviceMs: [1000, 3000], arrivalsPerSecond: HALL_COUNTERS / 2, boards: 4 }],
    ['stress', { serviceMs: [50, 50], boards: 4 }],
  ] as const) {
    const queue = await queueLatency('http://127.0.0.1:3991', hall.hall, hall.clerks, SECONDS, { ...pace, serviceMs: [...pace.serviceMs] });
    const met = (a: number, b: number) => (a < 10 && b < 10 ? 'met' : 'NOT met');
    const pair = (a: number, b: number) => `${a.toFixed(1).padStart(8)} / ${b.toFixed(1)} ms  (target < 10 ms) ${met(a, b)}`;
    console.log(`${`PostgreSQL: ${HALL_COUNTERS} counters (${label}), p99 issue / call`.padEnd(44)} ${pair(queue.issueP99, queue.callP99)}`);
    console.log(`${'  the same, in the server (Server-Timing)'.padEnd(44)} ${pair(queue.serverIssueP99, queue.serverCallP99)}`);
    console.log(
      `  (${queue.issues} tickets issued, ${queue.calls} calls, ${queue.boardUpdates} board updates sent; p50 ${queue.issueP50.toFixed(1)} / ${queue.callP50.toFixed(1)} ms)`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
