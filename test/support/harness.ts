/**
 * A running simkeep for tests: a fresh database, the real services and routes, a clock
 * the test controls, an admin token, and small factories (`newOperator`, `newPlan`,
 * `newCard`, `newPromotion`) that go through the admin API like an operator would.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { DialectName } from '../../src/db/database.js';
import { signSandboxEvent } from '../../src/payments/sandbox-signature.js';
import { createServices, type Services } from '../../src/services.js';
import { ManualClock } from '../../src/shared/clock.js';
import { luhnCheckDigit } from '../../src/shared/iccid.js';
import { freshDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** The tests' master key (32 bytes, base64url); a test may give its own SIMKEEP_MASTER_KEY in `env`. */
export const TEST_MASTER_KEY = Buffer.from('simkeep test master key 32 bytes').toString('base64url');
/** The sandbox payment provider is off unless switched on: the suites that pay by sandbox pass this. */
export const SANDBOX_ON = { SIMKEEP_SANDBOX_ENABLED: 'true' } as const;
/** 2026-11-24 12:00 in Asia/Shanghai. */
export const DEFAULT_NOW = '2026-11-24T04:00:00Z';

export interface Harness {
  app: FastifyInstance;
  services: Services;
  clock: ManualClock;
  database: TestDatabase;
  request(options: InjectOptions): Promise<{ status: number; body: any; headers: Record<string, unknown>; raw: string; bytes: Buffer }>;
  admin(method: InjectOptions['method'], url: string, payload?: unknown): ReturnType<Harness['request']>;
  close(): Promise<void>;
}

export async function startHarness(
  dialect: DialectName,
  env: Record<string, string> = {},
  now = DEFAULT_NOW,
  options: { migratedTo?: string; file?: string } = {},
): Promise<Harness> {
  const database = await freshDatabase(dialect, options);
  return harnessOver(database, env, new ManualClock(new Date(now)), () => database.drop());
}

/**
 * The harness's database served anew, as by a restarted process with the environment
 * `env` (another master key, say): fresh services, caches and routes, the same clock.
 * Its `close` leaves the database to the first harness.
 */
export function restartHarness(h: Harness, env: Record<string, string> = {}): Promise<Harness> {
  return harnessOver(h.database, env, h.clock, async () => {});
}

async function harnessOver(database: TestDatabase, env: Record<string, string>, clock: ManualClock, release: () => Promise<void>): Promise<Harness> {
  const config = loadConfig({
    SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
    SIMKEEP_MASTER_KEY: TEST_MASTER_KEY,
    SIMKEEP_PUBLIC_URL: 'https://renew.example.test',
    ...env,
  });
  const services = await createServices(database.db, config, clock);
  const app = await buildApp(services);
  const request: Harness['request'] = async (options) => {
    const response = await app.inject(options);
    let body: unknown = response.body;
    if (String(response.headers['content-type'] ?? '').includes('application/json')) body = response.json();
    return { status: response.statusCode, body, headers: response.headers, raw: response.body, bytes: response.rawPayload };
  };
  return {
    app,
    services,
    clock,
    database,
    request,
    admin: (method, url, payload) =>
      request({ method, url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(payload === undefined ? {} : { payload: payload as object }) }),
    close: async () => {
      await app.close();
      await release();
    },
  };
}

let iccidCounter = 0;
let msisdnCounter = 0;

/** A valid, unique 20-digit ICCID. */
export function uniqueIccid(): string {
  const payload = `8986${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 1e6).padStart(6, '0')}${String(++iccidCounter).padStart(6, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** A valid, unique Chinese mobile number. */
export function uniqueMsisdn(): string {
  return `+86139${String(process.pid % 100).padStart(2, '0')}${String(++msisdnCounter).padStart(6, '0')}`;
}

export async function newOperator(h: Harness, fields: Record<string, unknown> = {}) {
  const response = await h.admin('POST', '/v1/admin/operators', { code: 'demo', name: 'Demo Telecom', ...fields });
  if (response.status !== 201) throw new Error(`newOperator: ${response.status} ${response.raw}`);
  return response.body as { code: string; timeZone: string };
}

export async function newPlan(h: Harness, fields: Record<string, unknown> = {}, operator = 'demo') {
  const response = await h.admin('POST', `/v1/admin/operators/${operator}/plans`, {
    code: 'm1',
    name: { 'zh-CN': '1个月', en: '1 month' },
    months: 1,
    price: 800,
    ...fields,
  });
  if (response.status !== 201) throw new Error(`newPlan: ${response.status} ${response.raw}`);
  return response.body;
}

export async function newPromotion(h: Harness, fields: Record<string, unknown>, operator = 'demo') {
  const response = await h.admin('POST', `/v1/admin/operators/${operator}/promotions`, fields);
  if (response.status !== 201) throw new Error(`newPromotion: ${response.status} ${response.raw}`);
  return response.body as { id: string };
}

export async function newCard(h: Harness, validUntil: string, operator = 'demo') {
  const card = { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil };
  const response = await h.admin('POST', `/v1/admin/operators/${operator}/cards`, card);
  if (response.status !== 201) throw new Error(`newCard: ${response.status} ${response.raw}`);
  return card;
}

/** Delivers a correctly signed sandbox notification. */
export function notify(h: Harness, event: { id: string; type: string; data: Record<string, unknown> }, signedAt = Math.floor(h.clock.now().getTime() / 1000)) {
  const body = JSON.stringify(event);
  return h.request({
    method: 'POST',
    url: '/v1/payments/sandbox/webhook',
    headers: { 'content-type': 'application/json', 'simkeep-signature': signSandboxEvent(h.services.secrets.sandboxSecret, body, signedAt) },
    payload: body,
  });
}

let keyCounter = 0;
export const idempotencyKey = () => `key-${process.pid}-${++keyCounter}-${Date.now()}`;

/** Creates an order and pays it in full; returns the order as read after payment. */
/** POST /v1/orders with a fresh idempotency key, paying by sandbox unless `extra` says otherwise. */
export function placeOrder(h: Harness, card: { msisdn: string; iccid: string }, plan: string, extra: Record<string, unknown> = {}) {
  return h.request({
    method: 'POST',
    url: '/v1/orders',
    headers: { 'idempotency-key': idempotencyKey() },
    payload: { msisdn: card.msisdn, iccid: card.iccid, plan, payment: 'sandbox', ...extra },
  });
}

export async function renewOnline(h: Harness, card: { msisdn: string; iccid: string }, plan: string, extra: Record<string, unknown> = {}) {
  const created = await placeOrder(h, card, plan, extra);
  if (created.status !== 201) throw new Error(`order: ${created.status} ${created.raw}`);
  const order = created.body;
  const paid = await notify(h, {
    id: `evt-${order.id}`,
    type: 'payment.succeeded',
    data: { paymentId: order.payment.id, amount: order.total, currency: order.currency },
  });
  if (paid.status !== 200) throw new Error(`notify: ${paid.status} ${paid.raw}`);
  return (await h.request({ method: 'GET', url: `/v1/orders/${order.id}` })).body;
}
