/**
 * Delivery through a real HTTP SMS gateway (a local fake that can fail on purpose):
 * retries with backoff, dead letters, the delivery log, and — on PostgreSQL — two worker
 * processes sharing the outbox with every message sent exactly once.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../src/cards/calendar.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, startHarness, TEST_MASTER_KEY } from '../support/harness.js';

interface Gateway {
  url: string;
  /** Idempotency-Key of every request received, in order. */
  received: string[];
  /** What the next requests answer: an HTTP status. */
  answer: number;
  close(): Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const gateway = { received: [] as string[], answer: 200 } as Gateway;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      gateway.received.push(String(req.headers['idempotency-key']));
      JSON.parse(body); // the gateway insists on JSON
      res.writeHead(gateway.answer, { 'content-type': 'application/json' });
      res.end(JSON.stringify(gateway.answer < 300 ? { messageId: `gw-${gateway.received.length}` } : { error: 'gateway says no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  gateway.close = () => new Promise((resolve) => server.close(() => resolve()));
  return gateway;
}

const MINUTE = 60_000;

describe.each(DIALECTS)('message delivery on %s', (dialect) => {
  let h: Harness;
  let gateway: Gateway;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-delivery-'));
    gateway = await startGateway();
    h = await startHarness(dialect, { SIMKEEP_DATA_DIR: dataDir, SIMKEEP_OUTBOX_MAX_ATTEMPTS: '3' });
    await newOperator(h);
    await newPlan(h);
    const operator = await h.services.catalog.operatorByCode('demo');
    await h.services.notificationSettings.update(operator?.id ?? '', {
      transports: {
        sms: { kind: 'http', url: gateway.url, headers: { Authorization: 'Bearer gw-secret' }, body: { to: '{{to}}', text: '{{text}}' }, idField: 'messageId' },
      },
    });
  });

  afterEach(async () => {
    await h.close();
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const row = () => h.services.db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
  const log = () => h.services.db.kysely.selectFrom('deliveries').selectAll().orderBy('attempt').execute();

  it('retries a failing gateway with growing delays, then dead-letters the message', async () => {
    await newCard(h, addDays('2026-11-24', 7));
    await h.services.reminders.sweep();
    gateway.answer = 500;

    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, retried: 1 });
    const first = await row();
    const firstDelay = Date.parse(first.next_attempt_at) - h.clock.now().getTime();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('500') });
    expect(firstDelay).toBeGreaterThanOrEqual(MINUTE);
    expect(firstDelay).toBeLessThanOrEqual(1.2 * MINUTE);
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 0 }); // not due yet

    h.clock.advance(firstDelay);
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, retried: 1 });
    const second = await row();
    const secondDelay = Date.parse(second.next_attempt_at) - h.clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(secondDelay).toBeLessThanOrEqual(2.4 * MINUTE);

    h.clock.advance(secondDelay);
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, dead: 1 });
    expect(await row()).toMatchObject({ status: 'dead', attempts: 3 });
    expect((await log()).map((d) => [d.attempt, d.ok, d.transport])).toEqual([
      [1, 0, 'http'],
      [2, 0, 'http'],
      [3, 0, 'http'],
    ]);
    for (const entry of await log()) expect(entry.detail).not.toContain('gw-secret');

    gateway.answer = 200;
    h.clock.advance(60 * MINUTE);
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 0 });
    expect(gateway.received).toHaveLength(3);
    expect(new Set(gateway.received)).toEqual(new Set([(await row()).id]));
  });

  it('dead-letters at once when the gateway refuses the message for good', async () => {
    await newCard(h, addDays('2026-11-24', 7));
    await h.services.reminders.sweep();
    gateway.answer = 400;
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, dead: 1 });
    expect(await row()).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('delivers on the retry after a passing failure, with the same idempotency key', async () => {
    await newCard(h, addDays('2026-11-24', 7));
    await h.services.reminders.sweep();
    gateway.answer = 503;
    await h.services.dispatcher.drain();
    gateway.answer = 200;
    h.clock.advance(2 * MINUTE);
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 2, provider_id: 'gw-2' });
    expect(gateway.received).toEqual([(await row()).id, (await row()).id]);
  });

  if (dialect === 'postgres') {
    it('sends every message exactly once when two worker processes share the outbox', async () => {
      // The workers run on the real clock: make "today" real and quiet hours empty.
      const operator = await h.services.catalog.operatorByCode('demo');
      await h.services.notificationSettings.update(operator?.id ?? '', { quietHours: { start: '00:00', end: '00:00' } });
      const today = todayIn('Asia/Shanghai', new Date());
      const count = 60;
      for (let i = 0; i < count; i++) await newCard(h, addDays(today, [30, 7, 1][i % 3] ?? 7));

      const run = promisify(execFile);
      const env = { ...process.env, DATABASE_URL: h.database.url, SIMKEEP_DATA_DIR: dataDir, SIMKEEP_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'warn' };
      const tsx = path.resolve('node_modules/.bin/tsx');
      await Promise.all([0, 1].map(() => run(tsx, ['src/cli.ts', 'worker', '--once'], { env })));

      const rows = await h.services.db.kysely.selectFrom('outbox').select(['id', 'status']).execute();
      expect(rows).toHaveLength(count);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      expect(gateway.received).toHaveLength(count);
      expect(new Set(gateway.received)).toEqual(new Set(rows.map((r) => r.id)));
    }, 120_000);
  }
});
