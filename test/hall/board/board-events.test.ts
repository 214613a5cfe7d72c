/**
 * The display board's live stream in one process on both databases; and the hall across
 * two real server processes on one PostgreSQL database: a call made through one reaches a
 * board connected to the other within a second, two counters never call one ticket, and a
 * counter renewal raced through both with one Idempotency-Key renews once.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../support/databases.js';
import { ADMIN_TOKEN, type Harness, idempotencyKey, startHarness, uniqueIccid, uniqueMsisdn } from '../../support/harness.js';
import { call, type Server, startServer, stopServer } from '../../support/servers.js';
import { type HallFixture, PASSWORD, setUpHall, signIn } from '../support.js';

interface BoardEvent {
  event: string;
  data: any;
  at: number;
}

/** Reads a Server-Sent Events stream into a list the test can wait on. */
async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: BoardEvent[] = [];
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch {
      // Aborted at the end of the test.
    }
  })();
  const waitFor = async (match: (e: BoardEvent) => boolean, timeoutMs = 1000): Promise<BoardEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { events, waitFor, close: () => controller.abort() };
}

describe.each(DIALECTS)('board events in one process (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    f = await setUpHall(h);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h.close());

  it('sends the board at once, then after each change, with a call event within a second', async () => {
    const stream = await openStream(`${base}/v1/halls/${f.hall}/board/events`);
    const first = await stream.waitFor((e) => e.event === 'board');
    expect(first.data.hall.id).toBe(f.hall);
    expect(first.data.services.find((s: { code: string }) => s.code === 'renewal').waiting).toBe(0);

    const started = Date.now();
    await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'renewal' } });
    const issued = await stream.waitFor((e) => e.event === 'board' && e.data.services.find((s: { code: string }) => s.code === 'renewal').waiting === 1);
    expect(issued.at - started).toBeLessThan(1000);

    const supervisor = await signIn(h, 'super1');
    await supervisor.call('POST', `/v1/console/counters/${f.counter1}/open`);
    const clerk = await signIn(h, 'clerk1');
    const calledAt = Date.now();
    const called = (await clerk.call('POST', `/v1/console/counters/${f.counter1}/call-next`)).body.ticket;
    const chime = await stream.waitFor((e) => e.event === 'call');
    expect(chime.data).toEqual({ number: called.number, counter: '1', service: 'renewal', recall: false });
    expect(chime.at - calledAt).toBeLessThan(1000);
    const board = await stream.waitFor((e) => e.event === 'board' && e.data.calling.length === 1);
    expect(board.data.calling[0]).toMatchObject({ number: called.number, counter: '1' });
    expect(h.services.boardFeed.watchers(f.hall)).toBe(1);
    stream.close();
    // The server lets go of a board that went away.
    for (let i = 0; i < 100 && h.services.boardFeed.watchers(f.hall) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.services.boardFeed.watchers(f.hall)).toBe(0);
  });

  it('reads the board once per change for all the boards of a hall, coalesces quick changes, and sends each board the last', async () => {
    const screens = await Promise.all([1, 2, 3].map(() => openStream(`${base}/v1/halls/${f.hall}/board/events`)));
    for (const s of screens) await s.waitFor((e) => e.event === 'board');
    expect(h.services.boardFeed.watchers(f.hall)).toBe(1);
    const reads = vi.spyOn(h.services.queue, 'board');
    try {
      const ticket = (await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'enquiry' } })).body;
      for (const s of screens) {
        await s.waitFor((e) => e.event === 'board' && e.data.services.some((x: { code: string; waiting: number }) => x.code === 'enquiry' && x.waiting > 0));
      }
      expect(reads).toHaveBeenCalledTimes(1);
      expect(ticket.number).toMatch(/^B/);
      // Changes in quick succession coalesce: fewer reads than changes, the last one seen by all.
      reads.mockClear();
      await new Promise((resolve) => setTimeout(resolve, 250));
      const before = screens.map((s) => s.events.length);
      for (let i = 0; i < 5; i++) await h.request({ method: 'POST', url: `/v1/halls/${f.hall}/tickets`, payload: { service: 'enquiry' } });
      const waiting = (await h.request({ method: 'GET', url: `/v1/halls/${f.hall}/board` })).body.services.find(
        (x: { code: string }) => x.code === 'enquiry',
      ).waiting;
      for (const [i, s] of screens.entries()) {
        await s.waitFor(
          (e) =>
            s.events.indexOf(e) >= (before[i] as number) &&
            e.event === 'board' &&
            e.data.services.some((x: { code: string; waiting: number }) => x.code === 'enquiry' && x.waiting === waiting),
        );
      }
      expect(reads.mock.calls.length).toBeGreaterThan(0);
      expect(reads.mock.calls.length).toBeLessThan(5);
    } finally {
      reads.mockRestore();
      for (const s of screens) s.close();
    }
    for (let i = 0; i < 100 && h.services.boardFeed.watchers(f.hall) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.services.boardFeed.watchers(f.hall)).toBe(0);
  });

  it('answers an unknown hall with a JSON 404 instead of a stream', async () => {
    const response = await fetch(`${base}/v1/halls/hall_nothere/board/events`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe('hall_not_found');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the hall across two server processes on PostgreSQL', () => {
  let database: TestDatabase;
  const servers: Server[] = [];
  const on = (i: number) => servers[i % 2] as Server;
  let hall: string;
  const counters: string[] = [];
  /** The session of a staff member on each process (a session works on both: it lives in the database). */
  const sessions = new Map<string, Record<string, string>>();

  const admin = async (url: string, body: unknown) => {
    const reply = await call(on(0), 'POST', url, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
    if (reply.status !== 201) throw new Error(`${url}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const login = async (username: string) => {
    const response = await fetch(`${on(1).url}/v1/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    sessions.set(username, { cookie, 'x-csrf-token': csrfToken });
  };
  const as = (username: string) => sessions.get(username) as Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    await Promise.all([0, 1].map(async () => servers.push(await startServer(database.url))));
    await admin('/v1/admin/operators', { code: 'demo', name: 'Demo Telecom' });
    await admin('/v1/admin/operators/demo/plans', { code: 'm1', name: '1 month', months: 1, price: 800, channels: ['counter'] });
    hall = (await admin('/v1/admin/operators/demo/halls', { name: 'Central', address: 'Queen’s Road' })).id;
    await admin(`/v1/admin/halls/${hall}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' });
    for (const name of ['1', '2']) {
      const layout = await admin(`/v1/admin/halls/${hall}/counters`, { name, services: ['renewal'] });
      counters.push(layout.counters.find((c: { name: string }) => c.name === name).id);
    }
    for (const [username, role] of [
      ['super1', 'supervisor'],
      ['clerk1', 'clerk'],
      ['clerk2', 'clerk'],
    ])
      await admin('/v1/admin/operators/demo/staff', { username, displayName: username, role, hall, password: PASSWORD });
    for (const username of ['super1', 'clerk1', 'clerk2']) await login(username);
    for (const counter of counters) await call(on(0), 'POST', `/v1/console/counters/${counter}/open`, undefined, as('super1'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await database?.drop();
  }, 30_000);
  afterEach(() => {
    for (const server of servers) expect(server.takeErrors()).toEqual([]);
  });

  it('a call made through one process reaches a board connected to the other within a second', async () => {
    const [a, b] = servers as [Server, Server];
    const stream = await openStream(`${b.url}/v1/halls/${hall}/board/events`);
    await stream.waitFor((e) => e.event === 'board', 5000);
    const ticket = await call(a, 'POST', `/v1/halls/${hall}/tickets`, { service: 'renewal' });
    expect(ticket.status).toBe(201);
    await stream.waitFor((e) => e.event === 'board' && e.data.services[0].waiting === 1);

    const started = Date.now();
    const called = await call(a, 'POST', `/v1/console/counters/${counters[0]}/call-next`, undefined, as('clerk1'));
    expect(called.body.ticket.number).toBe(ticket.body.number);
    const chime = await stream.waitFor((e) => e.event === 'call' && e.data.number === ticket.body.number);
    expect(chime.at - started).toBeLessThan(1000);
    const board = await stream.waitFor((e) => e.event === 'board' && e.data.calling.length === 1);
    expect(board.data.calling[0]).toMatchObject({ number: ticket.body.number, counter: '1' });
    stream.close();
    await call(a, 'POST', `/v1/console/tickets/${called.body.ticket.id}/finish`, undefined, as('clerk1'));
  });

  it('two counters calling through different processes never call one ticket twice', async () => {
    const issued: string[] = [];
    for (let i = 0; i < 12; i++) issued.push((await call(on(i), 'POST', `/v1/halls/${hall}/tickets`, { service: 'renewal' })).body.number);
    const called: string[] = [];
    const work = async (server: Server, username: string, counter: string) => {
      for (;;) {
        const res = await call(server, 'POST', `/v1/console/counters/${counter}/call-next`, undefined, as(username));
        expect(res.status).toBe(200);
        if (!res.body.ticket) return;
        called.push(res.body.ticket.number);
        await call(server, 'POST', `/v1/console/tickets/${res.body.ticket.id}/finish`, undefined, as(username));
      }
    };
    await Promise.all([work(on(0), 'clerk1', counters[0] as string), work(on(1), 'clerk2', counters[1] as string)]);
    expect(called.sort()).toEqual(issued.sort());
  });

  it('a counter renewal sent twice at once to both processes with one Idempotency-Key renews once', async () => {
    const msisdn = uniqueMsisdn();
    const iccid = uniqueIccid();
    await call(on(0), 'POST', '/v1/admin/operators/demo/cards', { msisdn, iccid, validUntil: '2030-01-31' }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    await call(on(0), 'POST', '/v1/console/shifts', { counter: counters[0], float: 10_000 }, as('clerk1'));
    const key = idempotencyKey();
    const body = { msisdn, iccid, plan: 'm1', idCheck: { documentType: 'passport', last4: 'X123' }, payment: { method: 'cash', tendered: 1000 } };
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(on(i), 'POST', '/v1/console/renewals', body, { ...as('clerk1'), 'idempotency-key': key })),
    );
    for (const a of answers) expect([201, 409]).toContain(a.status);
    const orders = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.order));
    expect(orders.size).toBe(1);
    const replay = await call(on(1), 'POST', '/v1/console/renewals', body, { ...as('clerk1'), 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(orders.has(replay.body.order)).toBe(true);
    const card = await call(on(0), 'GET', `/v1/admin/cards/${encodeURIComponent(msisdn)}`, undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(card.body.validUntil).toBe('2030-02-28');
    const rows = await database.db.kysely.selectFrom('counter_payments').select('order_id').execute();
    expect(rows).toHaveLength(1);
  });
});
