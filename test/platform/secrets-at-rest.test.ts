/**
 * Secrets at rest (#18): every secret stored through the admin API (payment providers'
 * keys, SMS and SMTP settings, webhook signing secrets) and the generated signing secret
 * is sealed, so a dump of the database holds none of them in clear; restarted with its
 * keys the server still signs with them; `simkeep secrets rotate` moves them to a new key
 * (and seals those stored in clear before sealing existed); without a master key nothing
 * starts; a lost key costs only the secrets, entered again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/db/database.js';
import { sqlitePath } from '../../src/db/database.js';
import { messageBodyPlace } from '../../src/notify/dispatcher.js';
import { newMasterKey } from '../../src/platform/master-key.js';
import { keyIdOf, sealedKeyId } from '../../src/platform/sealed.js';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature.js';
import { DIALECTS } from '../support/databases.js';
import { FakeGateways } from '../support/fake-gateways.js';
import { type Harness, newCard, newOperator, newPlan, renewOnline, restartHarness, SANDBOX_ON, startHarness } from '../support/harness.js';
import { configure, openCheckout, providerOrder } from '../support/provider-flows.js';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const KEY_A = newMasterKey();
const KEY_B = newMasterKey();
const idOf = (key: string) => keyIdOf(Buffer.from(key, 'base64url'));

/** The environment of a `simkeep` child process: the test's own, without any master key of it. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  for (const name of ['SIMKEEP_MASTER_KEY', 'SIMKEEP_MASTER_KEY_FILE', 'SIMKEEP_MASTER_KEY_PREVIOUS']) if (!(name in extra)) delete env[name];
  return env;
}

/** `simkeep …` run to its end; one still running after 45 s (a server that should have refused) is killed. */
function simkeep(args: string[], env: Record<string, string>) {
  return run(TSX, ['src/cli.ts', ...args], { env: cliEnv(env), timeout: 45_000 });
}

/** The database as an attacker with a dump would see it: every text of every table (PostgreSQL), or the file's bytes, WAL included (SQLite). */
async function dump(h: Harness): Promise<string> {
  const { db } = h.database;
  if (db.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(truncate)`.execute(db.kysely);
    const file = sqlitePath(h.database.url);
    return [file, `${file}-wal`].map((f) => (fs.existsSync(f) ? fs.readFileSync(f).toString('utf8') : '')).join('\n');
  }
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb')`.execute(db.kysely);
  const texts: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const values = await sql<{ v: string | null }>`select ${sql.ref(column_name)}::text as v from ${sql.table(table_name)}`.execute(db.kysely);
    texts.push(...values.rows.flatMap((r) => (r.v === null ? [] : [r.v])));
  }
  return texts.join('\n');
}

/** A line from the middle of a PEM: what a dump would show of the key, JSON-escaped or not. */
const pemLine = (pem: unknown) => String(pem).split('\n')[2] ?? '';

interface Receiver {
  url: string;
  secret: string;
  signed: boolean[];
  close(): Promise<void>;
}

/** A webhook endpoint that checks each delivery's signature with the secret it was given. */
async function startReceiver(now: () => Date): Promise<Receiver> {
  const receiver = { url: '', secret: '', signed: [] as boolean[] } as Receiver;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      receiver.signed.push(verifyWebhookSignature(receiver.secret, raw, String(req.headers['simkeep-signature']), now()));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

const SMS = {
  kind: 'http',
  url: 'https://sms.example.test/send',
  headers: { Authorization: 'Bearer sms-gateway-secret-7Qx' },
  body: { to: '{{to}}', text: '{{text}}' },
};
const EMAIL = { kind: 'smtp', host: 'smtp.example.test', port: 587, user: 'renewals', password: 'smtp-password-9Kd', from: 'Demo <no-reply@example.test>' };

describe.each(DIALECTS)('secrets at rest on %s', (dialect: DialectName) => {
  let h: Harness;
  let fake: FakeGateways;
  let receiver: Receiver;
  let dir: string;
  const restarted: Harness[] = [];
  const operatorId = async () => (await h.services.catalog.operatorByCode('demo'))?.id ?? '';

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-secrets-'));
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_MASTER_KEY: KEY_A }, undefined, { file: path.join(dir, 'simkeep.db') });
    fake = await FakeGateways.start();
    fake.now = () => h.clock.now();
    receiver = await startReceiver(() => h.clock.now());
    await newOperator(h);
    await newPlan(h);
  });

  afterEach(async () => {
    for (const other of restarted.splice(0)) await other.close();
    await h.close();
    await fake.close();
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const restart = async (env: Record<string, string>) => {
    const next = await restartHarness(h, { ...SANDBOX_ON, ...env });
    restarted.push(next);
    return next;
  };

  /** Every secret of the deployment, set through the admin API; returns what a dump must not show. */
  async function storeEverySecret() {
    const settings = { alipay: fake.alipay.settings(), wechatpay: fake.wechatpay.settings(), unionpay: fake.unionpay.settings() };
    for (const [provider, values] of Object.entries(settings)) expect((await configure(h, provider, values)).status).toBe(200);
    const notifications = await h.admin('PATCH', '/v1/admin/operators/demo/notifications', { transports: { sms: SMS, email: EMAIL } });
    expect(notifications.status, notifications.raw).toBe(200);
    const endpoint = await h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: receiver.url });
    expect(endpoint.status).toBe(201);
    receiver.secret = endpoint.body.secret;
    const stored = await h.database.db.kysely.selectFrom('settings').select('value').where('key', '=', 'signing_secret').executeTakeFirstOrThrow();
    return {
      settings,
      needles: {
        alipayPrivateKey: pemLine(settings.alipay.privateKey),
        wechatpayMerchantKey: pemLine(settings.wechatpay.merchantPrivateKey),
        wechatpayApiV3Key: fake.wechatpay.apiV3Key,
        unionpaySignKey: pemLine(settings.unionpay.signKey),
        smsAuthorization: 'sms-gateway-secret-7Qx',
        smtpPassword: 'smtp-password-9Kd',
        webhookSecret: endpoint.body.secret as string,
        signingSecret: h.services.keyring.open(stored.value, 'settings/signing_secret'),
      },
    };
  }

  const inClear = (text: string, needles: Record<string, string>) => Object.entries(needles).flatMap(([name, value]) => (text.includes(value) ? [name] : []));

  /** The server uses the secrets: Alipay's gateway accepts its signature, a webhook delivery verifies, the SMS settings read back. */
  async function usesTheSecrets(server: Harness) {
    const { order } = await providerOrder(server, 'alipay');
    const start = await openCheckout(server, order.payment.checkoutUrl);
    expect(start.status).toBe(303);
    const cashier = await fetch(String(start.headers.location));
    expect(cashier.status, `${await cashier.clone().text()} ${fake.alipay.refused.join()}`).toBe(200);
    receiver.signed.length = 0;
    await renewOnline(server, await newCard(server, '2027-01-31'), 'm1');
    await server.services.dispatcher.drain();
    expect(receiver.signed.length).toBeGreaterThan(0);
    expect(receiver.signed.every(Boolean)).toBe(true);
    const notifications = await server.services.notificationSettings.of(await operatorId());
    expect(notifications.transports.sms).toMatchObject({ headers: SMS.headers });
    expect(notifications.transports.email).toMatchObject({ password: EMAIL.password });
  }

  it('stores every secret sealed: a dump shows none in clear, and restarted with its key the server signs with them', async () => {
    const { needles, settings } = await storeEverySecret();
    // A sign-in code too, in its SMS waiting in the outbox (the SMS gateway is not there: it stays queued).
    const card = await newCard(h, '2027-01-31');
    const asked = await h.request({ method: 'POST', url: '/v1/auth/code', headers: { 'content-type': 'application/json' }, payload: { msisdn: card.msisdn } });
    expect(asked.status, asked.raw).toBe(202);
    const sms = await h.database.db.kysely.selectFrom('outbox').select(['id', 'body']).where('recipient', '=', card.msisdn).executeTakeFirstOrThrow();
    const code = /验证码 ([0-9]{6})/.exec(h.services.keyring.open(sms.body ?? '', messageBodyPlace(sms.id)))?.[1];
    expect(code).toMatch(/^[0-9]{6}$/);
    Object.assign(needles, { signInCode: `Your code is ${code}` });
    const text = await dump(h);
    expect(text).toContain(fake.alipay.appId); // the dump does show the settings that are not secret
    expect(inClear(text, needles)).toEqual([]);
    const endpoint = await h.database.db.kysely.selectFrom('webhook_endpoints').select('secret').executeTakeFirstOrThrow();
    expect(sealedKeyId(endpoint.secret)).toBe(idOf(KEY_A));

    const again = await restart({ SIMKEEP_MASTER_KEY: KEY_A });
    const alipay = await again.services.paymentProviders.of(await operatorId(), 'alipay');
    expect(alipay?.settings.privateKey).toBe(settings.alipay.privateKey);
    await usesTheSecrets(again);
    expect(again.services.secrets.receiptKey.equals(h.services.secrets.receiptKey)).toBe(true);
  });

  it('moves every secret to a new key with `simkeep secrets rotate`, beside a server holding both keys; then the new key alone opens all', async () => {
    const { needles } = await storeEverySecret();
    const both = await restart({ SIMKEEP_MASTER_KEY: KEY_B, SIMKEEP_MASTER_KEY_PREVIOUS: KEY_A });
    await usesTheSecrets(both);

    const env = { DATABASE_URL: h.database.url, SIMKEEP_MASTER_KEY: KEY_B, SIMKEEP_MASTER_KEY_PREVIOUS: KEY_A };
    const rotated = await simkeep(['secrets', 'rotate'], env);
    expect(rotated.stdout).toMatch(/payment provider settings\s+3 sealed again, 0 already under/);
    expect(rotated.stdout).toMatch(/transport settings\s+2 sealed again/);
    expect(rotated.stdout).toMatch(/webhook signing secrets\s+1 sealed again/);
    expect(rotated.stdout).toMatch(/generated signing secret\s+1 sealed again/);
    const second = await simkeep(['secrets', 'rotate'], env);
    expect(second.stdout).toMatch(/payment provider settings\s+0 sealed again, 3 already under/);

    const status = await simkeep(['secrets', 'status'], { DATABASE_URL: h.database.url, SIMKEEP_MASTER_KEY: KEY_B });
    expect(status.stdout).toContain(`payment provider settings    ${idOf(KEY_B)}: 4`);
    expect(status.stdout).not.toContain(idOf(KEY_A));
    const text = await dump(h);
    expect(inClear(text, needles)).toEqual([]);
    expect(text).not.toContain(`sk1:${idOf(KEY_A)}:`);

    const audit = await h.database.db.kysely.selectFrom('audit_log').select(['action', 'subject', 'actor']).where('action', '=', 'secrets.rotated').execute();
    expect(audit.map((a) => a.subject).sort()).toEqual(['payment provider settings', 'transport settings', 'webhook signing secrets']);
    expect(audit.every((a) => a.actor === 'admin:cli')).toBe(true);

    await usesTheSecrets(both);
    const alone = await restart({ SIMKEEP_MASTER_KEY: KEY_B });
    await usesTheSecrets(alone);
    expect(alone.services.secrets.receiptKey.equals(h.services.secrets.receiptKey)).toBe(true);
  }, 120_000);

  it('counts and rotates through the admin API, for an admin token not limited to one operator', async () => {
    await storeEverySecret();
    const both = await restart({ SIMKEEP_MASTER_KEY: KEY_B, SIMKEEP_MASTER_KEY_PREVIOUS: KEY_A });
    const before = await both.admin('GET', '/v1/admin/secrets');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ currentKeyId: idOf(KEY_B), openingKeyIds: [idOf(KEY_A)] });
    expect(before.body.kinds).toEqual([
      { kind: 'payment provider settings', byKey: { [idOf(KEY_A)]: 4 } },
      { kind: 'transport settings', byKey: { [idOf(KEY_A)]: 2 } },
      { kind: 'webhook signing secrets', byKey: { [idOf(KEY_A)]: 1 } },
      { kind: 'generated signing secret', byKey: { [idOf(KEY_A)]: 1 } },
    ]);

    const scoped = await both.services.tokens.create('demo only', 'demo');
    for (const [method, url] of [
      ['GET', '/v1/admin/secrets'],
      ['POST', '/v1/admin/secrets/rotate'],
    ] as const) {
      const refused = await both.request({ method, url, headers: { authorization: `Bearer ${scoped.token}` } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect((await both.request({ method: 'GET', url: '/v1/admin/secrets' })).status).toBe(401);

    const rotated = await both.admin('POST', '/v1/admin/secrets/rotate');
    expect(rotated.status, rotated.raw).toBe(200);
    expect(rotated.body.kinds.map((k: { resealed: number }) => k.resealed)).toEqual([3, 2, 1, 1]);
    expect((await both.admin('GET', '/v1/admin/secrets')).body.kinds[0]).toEqual({ kind: 'payment provider settings', byKey: { [idOf(KEY_B)]: 4 } });
    const audit = await h.database.db.kysely.selectFrom('audit_log').select('actor').where('action', '=', 'secrets.rotated').execute();
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.actor.startsWith('admin:') && a.actor !== 'admin:cli')).toBe(true);
    expect((await both.admin('POST', '/v1/admin/secrets/rotate')).body.kinds.map((k: { resealed: number }) => k.resealed)).toEqual([0, 0, 0, 0]);

    // A server with only the old key (and a signing secret of its own) cannot rotate what it cannot open.
    const old = await restart({ SIMKEEP_MASTER_KEY: KEY_A, SIMKEEP_SECRET: 'a-new-signing-secret-0123456789' });
    const stuck = await old.admin('POST', '/v1/admin/secrets/rotate');
    expect(stuck.status).toBe(503);
    expect(stuck.body.error).toMatchObject({ code: 'secret_unreadable', details: { keyId: idOf(KEY_B) } });
  });

  it('reads secrets stored in clear before sealing, and `simkeep secrets rotate` seals them and leaves no copy in the files', async () => {
    const { needles, settings } = await storeEverySecret();
    // The rows as a database from before sealing holds them.
    const kysely = h.database.db.kysely;
    for (const [provider, values] of Object.entries(settings)) {
      await kysely
        .updateTable('payment_providers')
        .set({ settings: JSON.stringify(values) })
        .where('provider', '=', provider)
        .execute();
    }
    await kysely
      .updateTable('notification_settings')
      .set({ sms_transport: JSON.stringify(SMS), email_transport: JSON.stringify(EMAIL) })
      .execute();
    await kysely.updateTable('webhook_endpoints').set({ secret: needles.webhookSecret }).execute();
    await kysely.updateTable('settings').set({ value: needles.signingSecret }).where('key', '=', 'signing_secret').execute();
    expect(inClear(await dump(h), needles).length).toBeGreaterThan(0);

    const upgraded = await restart({ SIMKEEP_MASTER_KEY: KEY_A });
    await usesTheSecrets(upgraded);
    const env = { DATABASE_URL: h.database.url, SIMKEEP_MASTER_KEY: KEY_A };
    expect((await simkeep(['secrets', 'status'], env)).stdout).toMatch(/webhook signing secrets\s+in clear: 1/);

    const rotated = await simkeep(['secrets', 'rotate'], env);
    expect(rotated.stdout).toContain('secrets that were stored in clear are sealed');
    expect(inClear(await dump(h), needles)).toEqual([]);
    const endpoint = await kysely.selectFrom('webhook_endpoints').select('secret').executeTakeFirstOrThrow();
    expect(sealedKeyId(endpoint.secret)).toBe(idOf(KEY_A));
    await usesTheSecrets(await restart({ SIMKEEP_MASTER_KEY: KEY_A }));
  }, 120_000);

  it('with its master key lost, answers 503 secret_unreadable for those settings and takes them entered again; nothing else is lost', async () => {
    const { settings } = await storeEverySecret();
    const card = await newCard(h, '2027-01-31');
    // A new key, and SIMKEEP_SECRET, since the generated signing secret was sealed under the lost key too.
    const lost = await restart({ SIMKEEP_MASTER_KEY: KEY_B, SIMKEEP_SECRET: 'a-new-signing-secret-0123456789' });
    const answer = await lost.admin('GET', '/v1/admin/operators/demo/payment-providers/alipay');
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: 'secret_unreadable', details: { keyId: idOf(KEY_A) } });
    expect(answer.raw).not.toContain('PRIVATE');
    expect((await lost.admin('GET', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}`)).status).toBe(200);
    // A webhook delivery whose endpoint's secret does not open is skipped, never signed with something else.
    receiver.signed.length = 0;
    await renewOnline(lost, card, 'm1');
    await lost.services.dispatcher.drain();
    expect(receiver.signed).toEqual([]);
    const deliveries = await h.database.db.kysely.selectFrom('outbox').select('status').where('kind', '=', 'webhook').execute();
    expect(deliveries.map((d) => d.status)).toEqual(['skipped', 'skipped']);

    expect((await configure(lost, 'alipay', settings.alipay)).status).toBe(200);
    expect((await lost.admin('GET', '/v1/admin/operators/demo/payment-providers/alipay')).status).toBe(200);
    const quiet = await lost.admin('PATCH', '/v1/admin/operators/demo/notifications', { quietHours: { start: '22:00', end: '07:00' } });
    expect(quiet.status).toBe(503); // refused whole, until the transports are entered again
    const again = await lost.admin('PATCH', '/v1/admin/operators/demo/notifications', { transports: { sms: SMS, email: EMAIL } });
    expect(again.status, again.raw).toBe(200);
    expect(again.body.quietHours).toEqual({ start: '21:00', end: '09:00' });
    expect((await lost.admin('PATCH', '/v1/admin/operators/demo/notifications', { quietHours: { start: '22:00', end: '07:00' } })).status).toBe(200);
  });
});

describe('a master key', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-nokey-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['serve', 'worker --once', 'secrets rotate', 'admin-token list'])(
    'is required by `simkeep %s`, which refuses before opening the database and says how to make one',
    async (command) => {
      const database = path.join(dir, 'simkeep.db');
      const failed = await simkeep(command.split(' '), { DATABASE_URL: `sqlite://${database}`, PORT: '0' }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('SIMKEEP_MASTER_KEY is unset');
      expect(failed?.stderr).toContain('simkeep secrets new-key');
      expect(failed?.stderr).toContain('SIMKEEP_MASTER_KEY_FILE');
      expect(fs.existsSync(database)).toBe(false);
    },
    60_000,
  );

  it('is made by `simkeep secrets new-key`: the key alone on stdout, how to use it on stderr', async () => {
    const made = await simkeep(['secrets', 'new-key'], {});
    expect(made.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(made.stderr).toContain('SIMKEEP_MASTER_KEY_FILE');
    expect(made.stderr).toContain('simkeep secrets rotate');
  });
});
