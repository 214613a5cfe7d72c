/**
 * `simkeep serve` with SIMKEEP_METRICS_PORT: a listener of its own answers /metrics without
 * a token (with Node's own metrics), on loopback, while the HTTP port keeps /metrics closed
 * (no metrics token set).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredFamilies } from '../support/metrics.js';
import { freePort, type Server, startServer, stopServer } from '../support/servers.js';

describe('serve with SIMKEEP_METRICS_PORT', () => {
  let server: Server;
  let metricsUrl: string;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-metrics-'));
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    server = await startServer(`sqlite://${dir}/simkeep.db`, { SIMKEEP_METRICS_PORT: String(port) });
  }, 120_000);
  afterAll(async () => {
    if (server) await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics on its own port without a token, and not on the HTTP port', async () => {
    await fetch(`${server.url}/v1/storefront`);
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(declaredFamilies(text).get('process_resident_memory_bytes')).toBe('gauge');
    expect(text).toMatch(/^simkeep_http_request_duration_seconds_count\{method="GET",route="\/v1\/storefront",status="200"\} 1$/m);
    expect(server.output()).toContain(`metrics at ${metricsUrl}`);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});
