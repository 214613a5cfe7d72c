/**
 * The sandbox payment provider renews without money: a real `simkeep serve` has it off
 * unless `--demo` (what `npm start` runs) or SIMKEEP_SANDBOX_ENABLED=true switches it on,
 * and then warns at start, loudly, in its log (and, without SIMKEEP_MASTER_KEY, of the demo key).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer, stopServer } from '../support/servers.js';

const WARNING = 'THE SANDBOX PAYMENT PROVIDER IS ON';
const DEMO_KEY_WARNING = 'SEALED UNDER THE PUBLISHED DEMO MASTER KEY';
const warnings = (server: Server, warning = WARNING) =>
  server
    .output()
    .split('\n')
    .filter((line) => line.includes(warning))
    .map((line) => JSON.parse(line) as { level: number });

describe('the sandbox provider in a real server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-sandbox-'));
  const servers: Record<'plain' | 'demo' | 'explicit', Server | undefined> = { plain: undefined, demo: undefined, explicit: undefined };
  const started = (name: keyof typeof servers) => servers[name] as Server;

  beforeAll(async () => {
    const start = async (name: keyof typeof servers, env: Record<string, string>, options: string[] = []) => {
      servers[name] = await startServer(`sqlite://${dir}/${name}.db`, { SIMKEEP_DATA_DIR: path.join(dir, name), ...env }, options);
    };
    await Promise.all([start('plain', {}), start('demo', { SIMKEEP_MASTER_KEY: '' }, ['--demo']), start('explicit', { SIMKEEP_SANDBOX_ENABLED: 'true' })]);
  }, 180_000); // three cold `tsx` starts on a busy machine

  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server && stopServer(server)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is off without the demo or the setting: not offered, its pages and webhook absent, no warning', async () => {
    const server = started('plain');
    expect((await call(server, 'GET', '/v1/storefront')).body.paymentMethods).toEqual([]);
    expect((await call(server, 'GET', '/pay/sandbox/pay_anything')).status).toBe(404);
    expect((await call(server, 'POST', '/v1/payments/sandbox/webhook', {})).status).toBe(404);
    expect(warnings(server)).toEqual([]);
    expect(warnings(server, DEMO_KEY_WARNING)).toEqual([]);
  });

  it('is on with --demo, which renews the demo cards by sandbox, and the server says so at start', async () => {
    const server = started('demo');
    const storefront = await call(server, 'GET', '/v1/storefront');
    expect(storefront.body).toMatchObject({ operator: { code: 'demo' }, paymentMethods: ['sandbox'] });
    const order = await call(
      server,
      'POST',
      '/v1/orders',
      { msisdn: '+8613800138000', iccid: '900016', plan: 'm1', payment: 'sandbox' },
      { 'idempotency-key': 'sandbox-switch-demo' },
    );
    expect(order).toMatchObject({ status: 201, body: { payment: { checkoutUrl: expect.stringContaining('/pay/sandbox/') } } });
    expect(warnings(server)).toEqual([expect.objectContaining({ level: 40, demo: true })]);
    // Without SIMKEEP_MASTER_KEY the demo seals under its published key, and says so.
    expect(warnings(server, DEMO_KEY_WARNING)).toEqual([expect.objectContaining({ level: 40, setting: 'SIMKEEP_MASTER_KEY' })]);
  });

  it('is on with SIMKEEP_SANDBOX_ENABLED=true, with the same warning', async () => {
    const server = started('explicit');
    expect((await call(server, 'GET', '/v1/storefront')).body.paymentMethods).toEqual(['sandbox']);
    expect(warnings(server)).toEqual([expect.objectContaining({ level: 40, demo: false, setting: 'SIMKEEP_SANDBOX_ENABLED' })]);
  });
});
