/**
 * The display board's live stream: in one process on both databases, and across two real
 * server processes on one PostgreSQL database (a call made through one reaches a board
 * connected to the other within a second).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../support/harness.js';
import { call, type Server, startServer, stopServer } from '../support/servers.js';
import { type HallFixture, PASSWORD, setUpHall, signIn } from './support.js';

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
    stream.close();
  });

  it('answers an unknown hall with a JSON 404 instead of a stream', async () => {
    const response = await fetch(`${base}/v1/halls/hall_nothere/board/events`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe('hall_not_found');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('board events across two server processes on PostgreSQL', () => {
  let database: TestDatabase;
  const servers: Server[] = [];

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    await Promise.all([0, 1].map(async () => servers.push(await startServer(database.url))));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await database?.drop();
  }, 30_000);

  it('a call made through one process reaches a board connected to the other within a second', async () => {
    const [a, b] = servers as [Server, Server];
    const admin = async (url: string, body: unknown) => {
      const reply = await call(a, 'POST', url, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
      if (reply.status !== 201) throw new Error(`${url}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    };
    await admin('/v1/admin/operators', { code: 'demo', name: 'Demo Telecom' });
    const hall = await admin('/v1/admin/operators/demo/halls', { name: 'Central', address: 'Queen’s Road' });
    await admin(`/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' });
    const layout = await admin(`/v1/admin/halls/${hall.id}/counters`, { name: '1', services: ['renewal'] });
    const counter = layout.counters[0].id;
    await admin('/v1/admin/operators/demo/staff', { username: 'super1', displayName: 'S', role: 'supervisor', hall: hall.id, password: PASSWORD });

    const stream = await openStream(`${b.url}/v1/halls/${hall.id}/board/events`);
    await stream.waitFor((e) => e.event === 'board', 5000);

    const login = await fetch(`${a.url}/v1/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'super1', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const staff = { cookie, 'x-csrf-token': csrfToken };
    await call(a, 'POST', `/v1/console/counters/${counter}/open`, undefined, staff);

    const ticket = await call(a, 'POST', `/v1/halls/${hall.id}/tickets`, { service: 'renewal' });
    expect(ticket.status).toBe(201);
    await stream.waitFor((e) => e.event === 'board' && e.data.services[0].waiting === 1);

    const started = Date.now();
    const called = await call(a, 'POST', `/v1/console/counters/${counter}/call-next`, undefined, staff);
    expect(called.body.ticket.number).toBe('A001');
    const chime = await stream.waitFor((e) => e.event === 'call' && e.data.number === 'A001');
    expect(chime.at - started).toBeLessThan(1000);
    const board = await stream.waitFor((e) => e.event === 'board' && e.data.calling.length === 1);
    expect(board.data.calling[0]).toMatchObject({ number: 'A001', counter: '1' });
    stream.close();
    for (const server of servers) expect(server.takeErrors()).toEqual([]);
  });
});
