/**
 * The service hall's benchmark, against a running `simkeep serve` on PostgreSQL (run.ts
 * starts one; `node --import tsx bench/hall.ts` starts its own): counter renewals per
 * second at 16 clients (cash, one shift per clerk, an Idempotency-Key each), and the
 * latency of issuing a ticket and of calling the next one while 50 counters work at once.
 * Prints figures; the caller sets them beside pgbench.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from '../src/hall/queue-rules.js';
import { autocannonRun, type LoadRequest } from './load.js';
import type { BenchCard } from './seed.js';

const PASSWORD = 'bench-staff-password';

interface Session {
  cookie: string;
  csrf: string;
}

async function post(base: string, url: string, body: unknown, headers: Record<string, string>): Promise<any> {
  const response = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A hall with one service, `counters` open counters and a clerk with an open shift at each. */
export async function seedHall(base: string, adminToken: string, operator: string, counters: number) {
  const admin = { authorization: `Bearer ${adminToken}` };
  await post(base, `/v1/admin/operators/${operator}/plans`, { code: 'c1', name: '1 month (counter)', months: 1, price: 800, channels: ['counter'] }, admin);
  const hall = (await post(base, `/v1/admin/operators/${operator}/halls`, { name: 'Bench hall', address: 'Bench Road' }, admin)).id as string;
  await post(base, `/v1/admin/halls/${hall}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' }, admin);
  await post(base, `/v1/admin/operators/${operator}/staff`, { username: 'bench.super', displayName: 'S', role: 'supervisor', hall, password: PASSWORD }, admin);
  const supervisor = await login(base, 'bench.super');
  const clerks: { session: Session; counter: string }[] = [];
  for (let i = 0; i < counters; i++) {
    const layout = await post(base, `/v1/admin/halls/${hall}/counters`, { name: String(i + 1), services: ['renewal'] }, admin);
    const counter = layout.counters.find((c: { name: string }) => c.name === String(i + 1)).id as string;
    await post(
      base,
      `/v1/admin/operators/${operator}/staff`,
      { username: `bench.clerk${i}`, displayName: `C${i}`, role: 'clerk', hall, password: PASSWORD },
      admin,
    );
    const session = await login(base, `bench.clerk${i}`);
    await post(base, `/v1/console/counters/${counter}/open`, undefined, staffHeaders(supervisor));
    await post(base, '/v1/console/shifts', { counter, float: 100_000 }, staffHeaders(session));
    clerks.push({ session, counter });
  }
  return { hall, clerks };
}

async function login(base: string, username: string): Promise<Session> {
  const response = await fetch(`${base}/v1/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

const staffHeaders = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

/** Counter renewals per second: each request renews the next card for cash, as the next clerk. */
export async function counterRenewals(base: string, seconds: number, connections: number, cards: BenchCard[], clerks: { session: Session }[]) {
  let i = 0;
  const requests: LoadRequest[] = [
    {
      method: 'POST',
      path: '/v1/console/renewals',
      setupRequest: (request) => {
        const n = i++;
        const card = cards[n % cards.length] as BenchCard;
        const clerk = clerks[n % clerks.length] as { session: Session };
        return {
          ...request,
          headers: { 'content-type': 'application/json', 'idempotency-key': `bench-counter-${process.pid}-${n}`, ...staffHeaders(clerk.session) },
          body: JSON.stringify({
            msisdn: card.msisdn,
            iccid: card.iccid,
            plan: 'c1',
            idCheck: { documentType: 'resident_id', last4: '1234' },
            payment: { method: 'cash', tendered: 1000 },
          }),
        };
      },
    },
  ];
  return autocannonRun(base, seconds, connections, requests);
}

/**
 * Latency of issuing a ticket and of calling the next one, with every counter working at
 * once: each counter loops call-next → (50 ms of service) → finish, looking again 200 ms
 * later when no one waits, while two kiosks keep issuing tickets.
 */
export async function queueLatency(base: string, hall: string, clerks: { session: Session; counter: string }[], seconds: number) {
  const issue: number[] = [];
  const call: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const timed = async <T>(into: number[], run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    into.push(performance.now() - started);
    return result;
  };
  for (let i = 0; i < clerks.length * 2; i++) await post(base, `/v1/halls/${hall}/tickets`, { service: 'renewal' }, {});
  const kiosk = async () => {
    while (performance.now() < deadline) await timed(issue, () => post(base, `/v1/halls/${hall}/tickets`, { service: 'renewal' }, {}));
  };
  const counter = async (clerk: { session: Session; counter: string }) => {
    while (performance.now() < deadline) {
      const { ticket } = await timed(call, () => post(base, `/v1/console/counters/${clerk.counter}/call-next`, undefined, staffHeaders(clerk.session)));
      // Serving takes a moment; an empty queue is looked at again a little later.
      await new Promise((resolve) => setTimeout(resolve, ticket ? 50 : 200));
      if (ticket) await post(base, `/v1/console/tickets/${ticket.id}/finish`, undefined, staffHeaders(clerk.session));
    }
  };
  await Promise.all([kiosk(), kiosk(), ...clerks.map(counter)]);
  return {
    issues: issue.length,
    calls: call.length,
    issueP99: percentile(issue, 99) ?? 0,
    callP99: percentile(call, 99) ?? 0,
    issueP50: percentile(issue, 50) ?? 0,
    callP50: percentile(call, 50) ?? 0,
  };
}
