/**
 * `node --import tsx bench/call-latency.ts`: the latency of one call at a counter, without
 * HTTP or load. In a fresh database on BENCH_DATABASE_URL's server (default
 * postgres://postgres:postgres@127.0.0.1:5432/postgres), the demo hall's counter 1 calls
 * its queue one ticket at a time (call next, then finish), and the time of each call is
 * printed as its median, p90 and p99. The database is dropped at the end.
 */
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { migrate, openDatabase } from '../src/db/database.js';
import type { HallActor } from '../src/hall/hall-access.js';
import { seedDemoHall } from '../src/platform/demo-hall-seed.js';
import { seedDemo } from '../src/platform/demo-seed.js';
import { createServices } from '../src/services.js';
import { BENCH_MASTER_KEY } from './load.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const WARM_UP = 50;
const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres');
const url = Object.assign(new URL(server), { pathname: '/simkeep_call_latency' }).toString();

const admin = new pg.Client(server.toString());
await admin.connect();
await admin.query('drop database if exists simkeep_call_latency with (force)');
await admin.query('create database simkeep_call_latency');

const db = openDatabase(url);
await migrate(db);
const services = await createServices(
  db,
  loadConfig({ DATABASE_URL: url, SIMKEEP_SECRET: 'bench-secret-0123456789abcdef0123', SIMKEEP_MASTER_KEY: BENCH_MASTER_KEY }),
);
await seedDemo(services);
const hall = await seedDemoHall(services);
const layout = await services.queue.layouts.get(hall.id);
const counter = layout.counters.find((c) => c.name === '1');
const service = layout.services.find((s) => counter?.serviceIds.includes(s.id));
const clerk = await db.kysely.selectFrom('staff').selectAll().where('hall_id', '=', hall.id).where('role', '=', 'clerk').executeTakeFirst();
if (!counter || !service || !clerk) throw new Error('the demo hall has no counter 1 with a service and a clerk');
const actor: HallActor = {
  kind: 'staff',
  ip: '127.0.0.1',
  staff: {
    id: clerk.id,
    operatorId: clerk.operator_id,
    hallId: clerk.hall_id,
    username: clerk.username,
    displayName: clerk.display_name,
    role: clerk.role,
    csrfToken: '',
  },
};

for (let i = 0; i < CALLS + WARM_UP; i++) await services.queue.issue(hall.id, { service: service.code }, 'kiosk', '127.0.0.1');
const times: number[] = [];
for (let i = 0; i < CALLS + WARM_UP; i++) {
  const started = performance.now();
  const { ticket } = await services.console.callNext(actor, counter.id);
  if (i >= WARM_UP) times.push(performance.now() - started);
  if (!ticket) throw new Error('the queue ran out');
  await services.console.act(actor, ticket.id, 'finish');
}
times.sort((a, b) => a - b);
const at = (q: number) => (times[Math.floor(times.length * q)] ?? 0).toFixed(2);
console.log(`call next, ${CALLS} one after another: p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  p99 ${at(0.99)} ms`);

await db.close();
await admin.query('drop database simkeep_call_latency with (force)');
await admin.end();
