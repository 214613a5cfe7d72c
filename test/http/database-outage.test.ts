/**
 * A real `simkeep serve` process under load while its PostgreSQL connections are cut: by
 * `pg_terminate_backend` on every backend it holds, and by a full outage (a proxy in front
 * of PostgreSQL drops every connection and refuses new ones for two seconds). The process
 * must keep running, answer the requests of the outage with 503 and `Retry-After` (never a
 * 500, never a hang), and serve again within a second of the database's return.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../src/cards/calendar.js';
import { freshDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, uniqueIccid, uniqueMsisdn } from '../support/harness.js';
import { call, type Server, startServer, stopServer } from '../support/servers.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const CLIENTS = 16;

interface Answer {
  started: number;
  ms: number;
  status: number;
  retryAfter: string | null;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('losing the PostgreSQL connection under load', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: Server;
  const card = { msisdn: uniqueMsisdn(), iccid: uniqueIccid() };

  /** 16 clients looking the card up as fast as they can until `stop`; every answer kept. */
  const load = () => {
    const answers: Answer[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const started = Date.now();
        const status = await fetch(`${server.url}/v1/cards/lookup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(card),
          signal: AbortSignal.timeout(10_000),
        }).then(
          async (r) => {
            await r.arrayBuffer();
            answers.push({ started, ms: Date.now() - started, status: r.status, retryAfter: r.headers.get('retry-after') });
            return r.status;
          },
          () => 0,
        );
        if (status === 0) answers.push({ started, ms: Date.now() - started, status: 0, retryAfter: null });
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    return {
      answers,
      stop: async () => {
        running = false;
        await Promise.all(clients);
        return answers;
      },
    };
  };

  const alive = () => server.child.exitCode === null && server.child.signalCode === null;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    server = await startServer(viaProxy.toString(), { SIMKEEP_JOBS: 'false', SIMKEEP_DB_POOL_SIZE: '8' });
    const admin = (url: string, body: unknown) => call(server, 'POST', url, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect((await admin('/v1/admin/operators', { code: 'outage', name: 'Outage Telecom' })).status).toBe(201);
    expect((await admin('/v1/admin/operators/outage/plans', { code: 'm1', name: '1 month', months: 1, price: 800 })).status).toBe(201);
    const validUntil = addDays(todayIn('Asia/Shanghai', new Date()), 30);
    expect((await admin('/v1/admin/operators/outage/cards', { ...card, validUntil })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server);
    await proxy?.close();
    await database?.drop();
  }, 30_000);

  it('keeps running when every backend it holds is terminated, answering 503 and then serving again', async () => {
    const running = load();
    await sleep(500);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const killedAt = Date.now();
    try {
      const { rows } = await admin.query('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        new URL(database.url).pathname.slice(1),
      ]);
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await sleep(1500);
    const answers = await running.stop();

    expect(alive()).toBe(true);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    for (const a of answers.filter((a) => a.status === 503)) expect(a.retryAfter).toBe('1');
    const after = answers.filter((a) => a.started > killedAt + 1000);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((a) => a.status !== 200)).toEqual([]);
    expect(server.takeErrors()).toEqual([]);
  }, 60_000);

  it('answers 503 fast through a two-second outage and serves within a second of the return', async () => {
    const running = load();
    await sleep(500);
    const cutAt = Date.now();
    await proxy.cut();
    await sleep(2000);
    await proxy.restore();
    const backAt = Date.now();
    await sleep(2000);
    const answers = await running.stop();

    expect(alive()).toBe(true);
    const during = answers.filter((a) => a.started > cutAt + 100 && a.started < backAt - 100);
    expect(during.length).toBeGreaterThan(0);
    // Nothing but 503 while it is gone, each with Retry-After, none hanging.
    expect(during.filter((a) => a.status !== 503)).toEqual([]);
    for (const a of during) {
      expect(a.retryAfter).toBe('1');
      expect(a.ms).toBeLessThan(4000);
    }
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const after = answers.filter((a) => a.started > backAt + 1000);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((a) => a.status !== 200)).toEqual([]);
    // readiness says so too
    expect((await call(server, 'GET', '/readyz')).status).toBe(200);
    expect(server.takeErrors()).toEqual([]);
  }, 60_000);
});
