/**
 * A hall for the hall suites, set up through the admin API like an operator would: the
 * demo operator with a counter plan, one hall with two services and two counters, a second
 * hall, and staff of every role (display names unlike their usernames); `signIn` gives a client that carries the staff cookie and
 * the CSRF token.
 */
import type { InjectOptions } from 'fastify';
import type { DialectName } from '../../src/db/database.js';
import { type Harness, idempotencyKey, newOperator, newPlan, startHarness } from '../support/harness.js';

export const PASSWORD = 'correct horse battery';

export interface HallFixture {
  hall: string;
  otherHall: string;
  renewal: string;
  enquiry: string;
  counter1: string;
  counter2: string;
  otherCounter: string;
}

async function ok(response: Promise<{ status: number; body: any; raw: string }>, expected = 201) {
  const r = await response;
  if (r.status !== expected) throw new Error(`setup: ${r.status} ${r.raw}`);
  return r.body;
}

export async function setUpHall(h: Harness): Promise<HallFixture> {
  await newOperator(h);
  await newPlan(h, { code: 'm1', channels: ['online', 'counter'] });
  await newPlan(h, { code: 'm3', months: 3, price: 2200, channels: ['counter'] });
  await newPlan(h, { code: 'y1', months: 12, price: 8800, channels: ['online'] });
  const hall = await ok(
    h.admin('POST', '/v1/admin/operators/demo/halls', {
      name: 'Central hall',
      address: '1 Queen’s Road',
      // Open around the clock, so the suites may join remotely at any test time; opening hours have their own test.
      openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00', '24:00']])),
    }),
  );
  await ok(h.admin('POST', `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' }));
  await ok(
    h.admin('POST', `/v1/admin/halls/${hall.id}/services`, {
      code: 'enquiry',
      name: { 'zh-CN': '咨询', en: 'Enquiries' },
      ticketPrefix: 'B',
      defaultServiceSeconds: 120,
    }),
  );
  await ok(h.admin('POST', `/v1/admin/halls/${hall.id}/counters`, { name: '1', services: ['renewal', 'enquiry'] }));
  const layout = await ok(h.admin('POST', `/v1/admin/halls/${hall.id}/counters`, { name: '2', services: ['renewal'] }));
  const other = await ok(h.admin('POST', '/v1/admin/operators/demo/halls', { name: 'North hall', address: '9 North Road' }));
  await ok(h.admin('POST', `/v1/admin/halls/${other.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' }));
  const otherLayout = await ok(h.admin('POST', `/v1/admin/halls/${other.id}/counters`, { name: '1', services: ['renewal'] }));
  const staff = [
    { username: 'clerk1', displayName: '王小明 Wang Xiaoming', role: 'clerk', hall: hall.id },
    { username: 'clerk2', displayName: 'Zhao Li', role: 'clerk', hall: hall.id },
    { username: 'super1', displayName: '李主管 Li Ming', role: 'supervisor', hall: hall.id },
    { username: 'super2', displayName: 'Chen Jing', role: 'supervisor', hall: hall.id },
    { username: 'northclerk', displayName: 'Sun Wei', role: 'clerk', hall: other.id },
    { username: 'northsuper', displayName: 'Zhou Hua', role: 'supervisor', hall: other.id },
    { username: 'opadmin', displayName: 'Liu Yang', role: 'operator_admin' },
  ];
  for (const s of staff) await ok(h.admin('POST', '/v1/admin/operators/demo/staff', { ...s, password: PASSWORD }));
  const counter = (name: string) => layout.counters.find((c: { name: string }) => c.name === name).id as string;
  return {
    hall: hall.id,
    otherHall: other.id,
    renewal: layout.services.find((s: { code: string }) => s.code === 'renewal').id,
    enquiry: layout.services.find((s: { code: string }) => s.code === 'enquiry').id,
    counter1: counter('1'),
    counter2: counter('2'),
    otherCounter: otherLayout.counters[0].id,
  };
}

export interface StaffClient {
  csrf: string;
  cookie: string;
  call(method: InjectOptions['method'], url: string, payload?: unknown, headers?: Record<string, string>): ReturnType<Harness['request']>;
}

export async function signIn(h: Harness, username: string, password = PASSWORD): Promise<StaffClient> {
  const login = await h.request({ method: 'POST', url: '/v1/staff/login', payload: { username, password } });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.raw}`);
  const setCookie = String(([] as string[]).concat(login.headers['set-cookie'] as string)[0]);
  const cookie = setCookie.split(';')[0] as string;
  const csrf = login.body.csrfToken as string;
  return {
    csrf,
    cookie,
    call: (method, url, payload, headers = {}) =>
      h.request({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrf, ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

/**
 * The kiosk and console steps the queue tests repeat. `context` is read at each call, so
 * the suite may create its harness, hall and clerk in `beforeAll`.
 */
export function queueActions(context: () => { h: Harness; f: HallFixture; clerk: StaffClient }) {
  const kiosk = (service: string, priority?: string) => {
    const { h, f } = context();
    return h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service, ...(priority ? { priority } : {}) } });
  };
  const take = async (service: string, priority?: string) => {
    const res = await kiosk(service, priority);
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${res.raw}`);
    return res.body;
  };
  const callNext = async (counter: string, who?: StaffClient) =>
    (await (who ?? context().clerk).call('POST', `/v1/console/counters/${counter}/call-next`)).body;
  const act = (ticket: string, verb: string, payload?: unknown) => context().clerk.call('POST', `/v1/console/tickets/${ticket}/${verb}`, payload);
  /** Finishes every ticket of the hall's two counters, current and waiting. */
  const drain = async () => {
    const { f, clerk } = context();
    for (const counter of [f.counter1, f.counter2]) {
      for (;;) {
        const state = (await clerk.call('GET', `/v1/console/counters/${counter}`)).body;
        if (state.current) await act(state.current.id, 'finish');
        const next = await callNext(counter);
        if (!next.ticket) break;
        await act(next.ticket.id, 'finish');
      }
    }
  };
  return { kiosk, take, callNext, act, drain };
}

/** A card as a counter renewal names it. */
export type CardRef = { msisdn?: string; iccid: string };

export const ID_CHECK = { documentType: 'resident_id', last4: '123X' };

/** A cash renewal of the 3-month plan (2200) at the counter, 3000 tendered; `extra` changes the request. */
export function renewAtCounter(who: StaffClient, card: CardRef, extra: Record<string, unknown> = {}, key = idempotencyKey()) {
  return who.call(
    'POST',
    '/v1/console/renewals',
    { msisdn: card.msisdn, iccid: card.iccid, plan: 'm3', idCheck: ID_CHECK, payment: { method: 'cash', tendered: 3000 }, ...extra },
    { 'idempotency-key': key },
  );
}

/** Where the counter suites start: the hall, clerk1 and super1 signed in, counter 1 opened by the supervisor. */
export async function counterAtWork(dialect: DialectName) {
  const h = await startHarness(dialect);
  const f = await setUpHall(h);
  const clerk = await signIn(h, 'clerk1');
  const supervisor = await signIn(h, 'super1');
  await supervisor.call('POST', `/v1/console/counters/${f.counter1}/open`);
  return { h, f, clerk, supervisor };
}
