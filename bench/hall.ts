/**
 * The service hall's benchmark, against a running `simkeep serve` on PostgreSQL (run.ts
 * starts one; `npm run bench -- hall` runs only this part beside pgbench): counter renewals per
 * second at 16 clients (cash, one shift per clerk, an Idempotency-Key each), and the
 * latency of issuing a ticket and of calling the next one while 50 counters work at once.
 * Prints figures; the caller sets them beside pgbench.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from '../src/hall/queue/queue-rules.js';
import { autocannonRun, type LoadRequest } from './load.js';
import type { BenchCard } from './seed.js';

const PASSWORD = 'bench-staff-password';

interface Session {
  cookie: string;
  csrf: string;
}

/** A POST's answer, and the server's own time for it (its Server-Timing header), ms. */
async function send(base: string, url: string, body: unknown, headers: Record<string, string>): Promise<{ answer: any; serverMs: number }> {
  const response = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const serverMs = Number(/dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN);
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${text}`);
  return { answer: text ? JSON.parse(text) : undefined, serverMs };
}

async function post(base: string, url: string, body: unknown, headers: Record<string, string>): Promise<any> {
  return (await send(base, url, body, headers)).answer;
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

export interface QueuePace {
  /** How long a counter serves a ticket, drawn uniformly from this range (ms). */
  serviceMs: [number, number];
  /** Tickets per second from the kiosks (Poisson arrivals); undefined: two kiosks issuing back to back. */
  arrivalsPerSecond?: number | undefined;
  /** Display boards watching the hall's event stream meanwhile. */
  boards: number;
}

/**
 * Latency of issuing a ticket and of calling the next one, with every counter working at
 * once: each counter loops call-next → serve → finish, looking again 200 ms later when no
 * one waits, while kiosks issue tickets and boards follow the hall's event stream.
 */
export async function queueLatency(base: string, hall: string, clerks: { session: Session; counter: string }[], seconds: number, pace: QueuePace) {
  const issue: number[] = [];
  const call: number[] = [];
  const server = { issue: [] as number[], call: [] as number[] };
  const deadline = performance.now() + seconds * 1000;
  const timed = async (into: number[], serverSide: number[], run: () => ReturnType<typeof send>): Promise<any> => {
    const started = performance.now();
    const { answer, serverMs } = await run();
    into.push(performance.now() - started);
    serverSide.push(serverMs);
    return answer;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const boards = Array.from({ length: pace.boards }, () => new AbortController());
  const boardEvents = { count: 0 };
  await Promise.all(
    boards.map(async (controller) => {
      const response = await fetch(`${base}/v1/halls/${hall}/board/events`, { signal: controller.signal });
      const reader = response.body?.getReader();
      void (async () => {
        try {
          for (;;) {
            const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
            if (done) return;
            boardEvents.count += (new TextDecoder().decode(value).match(/event: board/g) ?? []).length;
          }
        } catch {
          // Closed at the end.
        }
      })();
    }),
  );
  for (let i = 0; i < clerks.length * 2; i++) await post(base, `/v1/halls/${hall}/tickets`, { service: 'renewal' }, {});
  const take = () => timed(issue, server.issue, () => send(base, `/v1/halls/${hall}/tickets`, { service: 'renewal' }, {}));
  const kiosks = async () => {
    const rate = pace.arrivalsPerSecond;
    if (rate === undefined) {
      const kiosk = async () => {
        while (performance.now() < deadline) await take();
      };
      await Promise.all([kiosk(), kiosk()]);
      return;
    }
    const pending: Promise<unknown>[] = [];
    while (performance.now() < deadline) {
      await sleep(-Math.log(1 - Math.random()) * (1000 / rate));
      pending.push(take());
    }
    await Promise.all(pending);
  };
  const [low, high] = pace.serviceMs;
  const counter = async (clerk: { session: Session; counter: string }) => {
    // Counters start out of step, as a hall's do.
    await sleep(Math.random() * high);
    while (performance.now() < deadline) {
      const { ticket } = await timed(call, server.call, () =>
        send(base, `/v1/console/counters/${clerk.counter}/call-next`, undefined, staffHeaders(clerk.session)),
      );
      await sleep(ticket ? low + Math.random() * (high - low) : 200);
      if (ticket) await post(base, `/v1/console/tickets/${ticket.id}/finish`, undefined, staffHeaders(clerk.session));
    }
  };
  await Promise.all([kiosks(), ...clerks.map(counter)]);
  for (const b of boards) b.abort();
  return {
    issues: issue.length,
    calls: call.length,
    boardUpdates: boardEvents.count,
    issueP99: percentile(issue, 99) ?? 0,
    callP99: percentile(call, 99) ?? 0,
    issueP50: percentile(issue, 50) ?? 0,
    callP50: percentile(call, 50) ?? 0,
    serverIssueP99: percentile(server.issue, 99) ?? 0,
    serverCallP99: percentile(server.call, 99) ?? 0,
  };
}
