/**
 * Real `simkeep serve` processes for the multi-process suites: started on a free port
 * against a given database, waited for until ready, stopped with SIGTERM; with the errors
 * each one logged, and a small fetch helper.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, TEST_MASTER_KEY } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SECRET = 'multi-process-secret-0123456789abcdef';
export const SANDBOX_SECRET = 'multi-process-sandbox-0123456789abcdef';

export interface Server {
  url: string;
  child: ChildProcess;
  /** Messages of the errors it logged since the last call. */
  takeErrors: () => string[];
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

export type Reply = { status: number; body: any; headers: Headers };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `simkeep serve` with the given environment and options (`--demo`). */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}, options: string[] = []): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', ...options], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
      SIMKEEP_SECRET: SECRET,
      SIMKEEP_MASTER_KEY: TEST_MASTER_KEY,
      SIMKEEP_SANDBOX_SECRET: SANDBOX_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let checked = 0;
  const takeErrors = () => {
    const lines = output.slice(checked).split('\n');
    checked = output.length;
    return lines.filter((line) => line.includes('"level":50')).map((line) => /"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.slice(0, 300));
  };
  const server = { url: `http://127.0.0.1:${port}`, child, takeErrors, output: () => output };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${server.url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server on port ${port} was not ready within 90 s:\n${output}`);
}

export async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function call(server: Server, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('application/json');
  return { status: response.status, body: json ? JSON.parse(text) : text, headers: response.headers };
}
