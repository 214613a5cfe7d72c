/**
 * `npm run build && node --import tsx bench/lookup-layers.ts`: how much of a card lookup's
 * cost is the HTTP framework. In one run, twice, at 16 clients: the bare node:http JSON
 * route; the same lookup service (`RenewalService.lookup`, on PostgreSQL) behind a plain
 * node:http handler, without Fastify; and simkeep's own route. Prints requests per second
 * and each one's ratio to the bare route. Uses a fresh database `simkeep_lookup_layers` on
 * BENCH_DATABASE_URL's server (default postgres://postgres:postgres@127.0.0.1:5432/postgres).
 *
 * `node --import tsx bench/lookup-layers.ts serve` is the plain handler (PORT, DATABASE_URL).
 */
import http from 'node:http';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createServices } from '../src/services.js';
import { DomainError } from '../src/shared/errors.js';
import { autocannonRun, BENCH_MASTER_KEY, startProcess } from './load.js';
import { seedBenchData } from './seed.js';
import { lookupRequests } from './workloads.js';

const SECRETS = {
  SIMKEEP_SECRET: 'bench-secret-0123456789abcdef0123',
  SIMKEEP_MASTER_KEY: BENCH_MASTER_KEY,
  SIMKEEP_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
  SIMKEEP_SANDBOX_SECRET: 'bench-sandbox-secret-0123456789abcdef',
  // The load comes from one address; anti-probing must not throttle the benchmark itself.
  SIMKEEP_LOOKUP_MAX_PER_IP: '1000000',
};

/** The lookup without Fastify: read the body, parse it, ask the service, answer JSON. */
async function servePlain(): Promise<void> {
  const url = process.env.DATABASE_URL ?? '';
  const config = loadConfig({ ...SECRETS, DATABASE_URL: url });
  const services = await createServices(openDatabase(url, { poolSize: config.databasePoolSize }), config);
  const answer = (response: http.ServerResponse, status: number, body: unknown) => {
    const payload = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
  };
  http
    .createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const ip = request.socket.remoteAddress ?? '';
        Promise.resolve()
          .then(() => services.renewal.lookup(JSON.parse(Buffer.concat(chunks).toString('utf8')), ip))
          .then(
            (result) => answer(response, 200, result),
            (error: unknown) => answer(response, error instanceof DomainError ? 404 : 400, { error: { code: 'lookup_failed' } }),
          );
      });
    })
    .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
}

async function compare(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
  const database = Object.assign(new URL(server), { pathname: '/simkeep_lookup_layers' }).toString();
  const admin = new pg.Client(server);
  await admin.connect();
  await admin.query('drop database if exists simkeep_lookup_layers with (force)');
  await admin.query('create database simkeep_lookup_layers');
  const env = { ...SECRETS, DATABASE_URL: database, HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIMKEEP_JOBS: 'false' };
  const simkeep = () => startProcess('node', ['dist/cli.js', 'serve'], { ...env, PORT: '3991' }, 'http://127.0.0.1:3991/readyz');
  const seeding = await simkeep();
  const cards = await seedBenchData('http://127.0.0.1:3991', SECRETS.SIMKEEP_ADMIN_TOKEN, 5000);
  await seeding.stop();

  const measure = async (start: () => ReturnType<typeof startProcess>, url: string, requests: Parameters<typeof autocannonRun>[3]) => {
    const started = await start();
    const result = await autocannonRun(url, seconds, 16, requests);
    await started.stop();
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return result.requestsPerSecond;
  };
  for (let run = 1; run <= 2; run++) {
    const bare = await measure(
      () => startProcess('node', ['--import', 'tsx', 'bench/bare-server.ts'], { PORT: '3990' }, undefined, 'ready'),
      'http://127.0.0.1:3990',
      [{ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: '{"msisdn":"+8613800138000","iccid":"900016"}' }],
    );
    const plain = await measure(
      () => startProcess('node', ['--import', 'tsx', 'bench/lookup-layers.ts', 'serve'], { ...env, PORT: '3992' }, undefined, 'ready'),
      'http://127.0.0.1:3992',
      lookupRequests(cards).map((request) => ({ ...request, path: '/' })),
    );
    const fastify = await measure(simkeep, 'http://127.0.0.1:3991', lookupRequests(cards));
    const ratio = (n: number) => `${n.toFixed(0)}/s (${(n / bare).toFixed(2)}×)`;
    console.log(`run ${run}: bare route ${bare.toFixed(0)}/s  lookup without Fastify ${ratio(plain)}  simkeep's lookup ${ratio(fastify)}`);
  }
  await admin.query('drop database simkeep_lookup_layers with (force)');
  await admin.end();
}

await (process.argv[2] === 'serve' ? servePlain() : compare());
