/**
 * `node --import tsx bench/profile.ts [lookups|renewals]`: runs one workload against a
 * SQLite server started with --cpu-prof, for finding where a request's time goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { autocannonRun, BENCH_MASTER_KEY, startProcess } from './load.js';
import { seedBenchData } from './seed.js';
import { lookupRequests, renewalRequests } from './workloads.js';

const workload = process.argv[2] ?? 'renewals';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-profile-'));
const port = 3993;
const server = await startProcess(
  'node',
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/cli.js', 'serve'],
  {
    DATABASE_URL: process.env.PROFILE_DATABASE_URL ?? `sqlite://${path.join(dir, 'profile.db')}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    SIMKEEP_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    SIMKEEP_MASTER_KEY: BENCH_MASTER_KEY,
    SIMKEEP_SANDBOX_SECRET: 'bench-sandbox-secret-0123456789abcdef',
    // The renewal workload pays by sandbox, which is off unless switched on.
    SIMKEEP_SANDBOX_ENABLED: 'true',
    LOG_LEVEL: 'warn',
    SIMKEEP_LOOKUP_MAX_PER_IP: '1000000',
  },
  `http://127.0.0.1:${port}/readyz`,
);
const cards = await seedBenchData(`http://127.0.0.1:${port}`, 'bench-admin-token-0123456789abcdef', 2000);
const requests = workload === 'lookups' ? lookupRequests(cards) : renewalRequests(cards, 'bench-sandbox-secret-0123456789abcdef');
console.log(await autocannonRun(`http://127.0.0.1:${port}`, 10, 16, requests));
await server.stop();
console.log(`profile in ${dir}`);
