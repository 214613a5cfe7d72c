/** Load generation (autocannon) and child processes for the benchmark. */
import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';

/** The benchmark's master key (SIMKEEP_MASTER_KEY): 32 bytes, base64url. */
export const BENCH_MASTER_KEY = Buffer.from('simkeep bench master key 32 byte').toString('base64url');

export interface Started {
  child: ChildProcess;
  stop(): Promise<void>;
}

type Context = Record<string, unknown>;
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: any, context: Context) => any;
  onResponse?: (status: number, body: string, context: Context) => void;
}

export async function startProcess(command: string, args: string[], env: Record<string, string>, readyUrl?: string, readyLine?: string): Promise<Started> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited: ${output}`);
    if (readyLine && output.includes(readyLine)) break;
    if (readyUrl) {
      const ok = await fetch(readyUrl).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
    }
    if (Date.now() > deadline) throw new Error(`${command} did not become ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function autocannonRun(url: string, seconds: number, connections: number, requests: LoadRequest[]) {
  const result = await autocannon({ url, connections, duration: seconds, requests: requests as never });
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    latencyP99: result.latency.p99,
  };
}
