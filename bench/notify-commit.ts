/**
 * `node --import tsx bench/notify-commit.ts`: why the hall announces its changes after the
 * commit. 30 clients each insert a row and commit, (a) without NOTIFY, (b) with a NOTIFY
 * inside the transaction, (c) with the NOTIFY as a statement of its own after the commit;
 * prints transactions per second and latency. Uses a scratch table in BENCH_DATABASE_URL's
 * database (default postgres://postgres:postgres@127.0.0.1:5432/postgres) and drops it.
 */
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const CLIENTS = 30;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

async function run(label: string, transaction: (client: pg.Client) => Promise<void>) {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new pg.Client(url);
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() < end) {
        const started = performance.now();
        await transaction(client);
        latencies.push(performance.now() - started);
      }
    }),
  );
  await Promise.all(clients.map((client) => client.end()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies[Math.floor(latencies.length * q)] ?? 0).toFixed(1);
  console.log(`${label.padEnd(32)} ${(latencies.length / SECONDS).toFixed(0).padStart(6)} transactions/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms`);
}

const admin = new pg.Client(url);
await admin.connect();
await admin.query('create table if not exists bench_notify_commit (id bigserial primary key, v text)');
const insert = (client: pg.Client) => client.query("insert into bench_notify_commit (v) values ('x')");
const notify = (client: pg.Client) => client.query("select pg_notify('bench_notify_commit', 'x')");
console.log(`${CLIENTS} clients, ${SECONDS} s each`);
await run('without NOTIFY', async (c) => {
  await c.query('begin');
  await insert(c);
  await c.query('commit');
});
await run('NOTIFY inside the transaction', async (c) => {
  await c.query('begin');
  await insert(c);
  await notify(c);
  await c.query('commit');
});
await run('NOTIFY after the commit', async (c) => {
  await c.query('begin');
  await insert(c);
  await c.query('commit');
  await notify(c);
});
await admin.query('drop table bench_notify_commit');
await admin.end();
