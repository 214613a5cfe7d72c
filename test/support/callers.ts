/**
 * Two operators and everyone who may try the API, for test/http/authorization.test.ts.
 * The demo operator has its halls and staff (test/hall/support.ts), a card renewed online
 * and one renewed at the counter (with the clerk's open shift and an invoice), a waiting
 * ticket, a promotion, a message, a webhook endpoint and two signed-in subscribers. A rival
 * operator has its own hall, an operator admin, a clerk at work and an admin token scoped
 * to it. `ids` are real ids of the demo operator's things, so that a refusal is about who
 * calls, not a 404 for an id that does not exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import type { DialectName } from '../../src/db/database.js';
import { messageBodyPlace } from '../../src/notify/dispatcher.js';
import { PASSWORD, renewAtCounter, type StaffClient, setUpHall, signIn } from '../hall/support.js';
import { ADMIN_TOKEN, type Harness, newCard, newPromotion, renewOnline, SANDBOX_ON, startHarness } from './harness.js';

export type Headers = Record<string, string>;

/** Who calls: the unscoped admin token, subscribers, the demo operator's staff, and the rival's. */
export type Caller =
  | 'admin'
  | 'subscriber'
  | 'otherSubscriber'
  | 'clerk'
  | 'supervisor'
  | 'operatorAdmin'
  | 'otherHallClerk'
  | 'otherHallSupervisor'
  | 'rivalToken'
  | 'rivalAdmin'
  | 'rivalClerk'
  | 'metrics';

export interface World {
  h: Harness;
  /** Real ids of the demo operator's things. */
  ids: {
    /** The central hall, its counter 1 (open), a waiting ticket, clerk1's open shift there. */
    hall: string;
    counter: string;
    ticket: string;
    shift: string;
    /** The card renewed at the counter in that shift, its order and the order's invoice. */
    card: { msisdn: string; iccid: string };
    counterOrder: string;
    invoice: string;
    /** The subscriber's own card (its number and id), renewed online by `onlineOrder`. */
    msisdn: string;
    accountCard: string;
    onlineOrder: string;
    promotion: string;
    message: string;
    webhook: string;
    staff: string;
  };
  /** The headers each caller sends: cookie and X-CSRF-Token for a staff session. */
  as: Record<Caller, Headers>;
  close(): Promise<void>;
}

async function ok(response: Promise<{ status: number; body: any; raw: string }>, expected = 201) {
  const r = await response;
  if (r.status !== expected) throw new Error(`setup: ${r.status} ${r.raw}`);
  return r.body;
}

const staffHeaders = (client: StaffClient): Headers => ({ cookie: client.cookie, 'x-csrf-token': client.csrf });

/** Signs the subscriber of the number in with the code the SMS carried; answers the cookie. */
async function subscriberCookie(h: Harness, msisdn: string): Promise<string> {
  await ok(h.request({ method: 'POST', url: '/v1/auth/code', payload: { msisdn } }), 202);
  const sms = await h.services.db.kysely.selectFrom('outbox').select(['id', 'body']).where('recipient', '=', msisdn).executeTakeFirstOrThrow();
  // The code's SMS waits sealed (secrets at rest).
  const code = /验证码 ([0-9]{6})/.exec(h.services.keyring.open(sms.body ?? '', messageBodyPlace(sms.id)))?.[1];
  const verified = await h.request({ method: 'POST', url: '/v1/auth/verify', payload: { msisdn, code } });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${verified.raw}`);
  const cookies = ([] as string[]).concat(verified.headers['set-cookie'] as string);
  return String(cookies.find((c) => c.startsWith('simkeep_session='))).split(';')[0] as string;
}

/** The rival operator: a hall whose counter its supervisor opened, and its clerk's shift there. */
async function setUpRival(h: Harness) {
  await ok(h.admin('POST', '/v1/admin/operators', { code: 'rival', name: 'Rival Mobile' }));
  const hall = await ok(h.admin('POST', '/v1/admin/operators/rival/halls', { name: 'Rival hall', address: '2 Rival Road' }));
  await ok(h.admin('POST', `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'R' }));
  const counter = (await ok(h.admin('POST', `/v1/admin/halls/${hall.id}/counters`, { name: '1', services: ['renewal'] }))).counters[0].id;
  const staff = [
    { username: 'rivaladmin', displayName: 'Rival Admin', role: 'operator_admin' },
    { username: 'rivalsuper', displayName: 'Rival Super', role: 'supervisor', hall: hall.id },
    { username: 'rivalclerk', displayName: 'Rival Clerk', role: 'clerk', hall: hall.id },
  ];
  for (const s of staff) await ok(h.admin('POST', '/v1/admin/operators/rival/staff', { ...s, password: PASSWORD }));
  await ok((await signIn(h, 'rivalsuper')).call('POST', `/v1/console/counters/${counter}/open`), 200);
  const clerk = await signIn(h, 'rivalclerk');
  await ok(clerk.call('POST', '/v1/console/shifts', { counter, float: 0 }));
  const token = await h.services.tokens.create('rival', 'rival');
  return { admin: await signIn(h, 'rivaladmin'), clerk, token: token.token };
}

const METRICS_TOKEN = 'authz-metrics-token-0123456789';

export async function setUpCallers(dialect: DialectName): Promise<World> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-authz-'));
  const h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_DATA_DIR: dataDir, SIMKEEP_METRICS_TOKEN: METRICS_TOKEN });
  const f = await setUpHall(h);
  const db = h.services.db.kysely;

  const own = await newCard(h, '2027-01-31');
  const onlineOrder = await renewOnline(h, own, 'm1');
  const subscriber = await subscriberCookie(h, own.msisdn);
  const otherSubscriber = await subscriberCookie(h, (await newCard(h, '2027-03-31')).msisdn);
  // The code's SMS goes out at once; let it, so that nothing changes under the probes.
  await vi.waitFor(async () => expect(await db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute()).toEqual([]), { timeout: 10_000 });

  const counterCard = await newCard(h, '2026-12-10');
  const supervisor = await signIn(h, 'super1');
  await ok(supervisor.call('POST', `/v1/console/counters/${f.counter1}/open`), 200);
  const clerk = await signIn(h, 'clerk1');
  const shift = await ok(clerk.call('POST', '/v1/console/shifts', { counter: f.counter1, float: 50_000 }));
  const renewal = await ok(renewAtCounter(clerk, counterCard));
  const invoice = await ok(clerk.call('POST', `/v1/console/orders/${renewal.order}/invoice`, { title: 'Example Ltd', email: 'ap@example.com' }));
  const ticket = await ok(h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'renewal' } }));

  const promotion = await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
  const message = (await ok(h.admin('GET', '/v1/admin/operators/demo/messages'), 200))[0].id;
  // Registered last, so that no event of the set-up is sent to it.
  const webhook = await ok(h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: 'https://crm.example.com/simkeep' }));
  const rival = await setUpRival(h);

  const row = (table: 'hall_tickets' | 'staff' | 'cards', column: 'token' | 'username' | 'msisdn', value: string) =>
    db.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow();
  return {
    h,
    ids: {
      hall: f.hall,
      counter: f.counter1,
      ticket: (await row('hall_tickets', 'token', ticket.token)).id,
      shift: shift.id,
      counterOrder: renewal.order,
      invoice: invoice.id,
      onlineOrder: onlineOrder.id,
      msisdn: own.msisdn,
      card: counterCard,
      accountCard: (await row('cards', 'msisdn', own.msisdn)).id,
      promotion: promotion.id,
      message,
      webhook: webhook.id,
      staff: (await row('staff', 'username', 'clerk1')).id,
    },
    as: {
      admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
      subscriber: { cookie: subscriber },
      otherSubscriber: { cookie: otherSubscriber },
      clerk: staffHeaders(clerk),
      supervisor: staffHeaders(supervisor),
      operatorAdmin: staffHeaders(await signIn(h, 'opadmin')),
      otherHallClerk: staffHeaders(await signIn(h, 'northclerk')),
      otherHallSupervisor: staffHeaders(await signIn(h, 'northsuper')),
      rivalToken: { authorization: `Bearer ${rival.token}` },
      rivalAdmin: staffHeaders(rival.admin),
      rivalClerk: staffHeaders(rival.clerk),
      metrics: { authorization: `Bearer ${METRICS_TOKEN}` },
    },
    close: async () => {
      await h.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
