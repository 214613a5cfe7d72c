/**
 * The three message transports against real peers: outbox files on disk, a local SMTP server
 * (smtp-server) and a local HTTP gateway (node:http), each answering success, refusals and
 * silence; plus the per-operator settings: validation messages, redaction, construction.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type NotificationSettingsStore } from '../../src/notify/notification-settings.js';
import { DeliveryError, type OutgoingMessage, type Transport } from '../../src/notify/transport.js';
import { TransportPool } from '../../src/notify/transport-pool.js';
import { createTransport, parseTransportSettings, redactTransportSettings } from '../../src/notify/transport-settings.js';
import { ConsoleFileTransport, type OutboxLine } from '../../src/notify/transports/console-file.js';
import { type HttpGatewaySettings, HttpGatewayTransport } from '../../src/notify/transports/http-gateway.js';
import { SmtpTransport } from '../../src/notify/transports/smtp.js';
import { DomainError } from '../../src/shared/errors.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function keep<T extends Transport>(transport: T): T {
  cleanups.push(async () => transport.close?.());
  return transport;
}

const sms = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  to: '+8613800138000',
  text: 'Your code is 482913',
  operator: 'demo',
  ...overrides,
});
const email = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  ...sms({ channel: 'email', to: 'alice@example.com', subject: 'Your renewal code', ...overrides }),
});

async function rejectionOf(sending: Promise<unknown>): Promise<DeliveryError> {
  const error = await sending.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

async function closedPort(): Promise<number> {
  const server: Server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('console-file transport', () => {
  async function outbox() {
    const root = await mkdtemp(join(tmpdir(), 'simkeep-outbox-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const dir = join(root, 'data', 'outbox');
    const lines = async (channel: string) => (await readFile(join(dir, `${channel}.jsonl`), 'utf8')).split('\n').filter(Boolean);
    return { dir, lines };
  }

  it('appends each message as one JSON line in <dir>/<channel>.jsonl, creating the folder', async () => {
    const { dir, lines } = await outbox();
    await new ConsoleFileTransport('email', { dir }).send(email());
    const [line, ...rest] = await lines('email');
    expect(rest).toEqual([]);
    const written = JSON.parse(line!) as OutboxLine;
    expect(written).toMatchObject({ id: 'msg-1', channel: 'email', operator: 'demo', to: 'alice@example.com', subject: 'Your renewal code' });
    expect(written.text).toBe('Your code is 482913');
    expect(Number.isNaN(Date.parse(written.at))).toBe(false);
  });

  it('writes a batch as consecutive lines in order, and answers each message', async () => {
    const { dir, lines } = await outbox();
    const messages = Array.from({ length: 50 }, (_, i) => sms({ id: `msg-${i}`, text: `reminder ${i}` }));
    const results = await new ConsoleFileTransport('sms', { dir }).sendBatch(messages);
    expect(results).toEqual(messages.map(() => ({ ok: true, delivery: {} })));
    expect((await lines('sms')).map((line) => (JSON.parse(line) as OutboxLine).id)).toEqual(messages.map((m) => m.id));
  });

  it('makes the folder again when a demo user deleted it between two sends', async () => {
    const { dir, lines } = await outbox();
    const transport = new ConsoleFileTransport('sms', { dir });
    await transport.send(sms({ id: 'before' }));
    await rm(dir, { recursive: true });
    await transport.send(sms({ id: 'after' }));
    expect((await lines('sms')).map((line) => (JSON.parse(line) as OutboxLine).id)).toEqual(['after']);
  });

  it('fails every message of a batch it cannot write, retryably', async () => {
    const { dir } = await outbox();
    // The outbox folder's place is taken by a file: the folder can be neither used nor made.
    await writeFile(join(dir, '..'), 'not a folder');
    const results = await new ConsoleFileTransport('sms', { dir }).sendBatch([sms({ id: 'a' }), sms({ id: 'b' })]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    for (const result of results) {
      if (result.ok) continue;
      expect(result.error).toBeInstanceOf(DeliveryError);
      expect((result.error as DeliveryError).permanent).toBe(false);
    }
  });

  it('keeps every line whole when two transports send concurrently, long texts included', async () => {
    const { dir, lines } = await outbox();
    const transports = [new ConsoleFileTransport('sms', { dir }), new ConsoleFileTransport('sms', { dir })];
    const long = 'x'.repeat(700_000); // above the size one write() is known to take in one go
    await Promise.all(Array.from({ length: 120 }, (_, n) => transports[n % 2]!.send(sms({ id: `m${n}`, text: n % 30 === 0 ? long : `code ${n}` }))));
    const written = (await lines('sms')).map((line) => JSON.parse(line) as OutboxLine);
    expect(written.map((line) => line.id).sort()).toEqual(Array.from({ length: 120 }, (_, n) => `m${n}`).sort());
    expect(written.filter((line) => line.text === long)).toHaveLength(4);
  });

  it('logs a one-line summary with the recipient masked and without the text', async () => {
    const { dir } = await outbox();
    const logged: { fields: object; message: string }[] = [];
    const logger = { info: (fields: object, message: string) => logged.push({ fields, message }) };
    await new ConsoleFileTransport('sms', { dir, logger }).send(sms());
    await new ConsoleFileTransport('email', { dir, logger }).send(email());
    expect(logged[0]!.message).toContain('+86 *******8000');
    expect(logged[1]!.message).toContain('a***@example.com');
    const everything = JSON.stringify(logged);
    for (const secret of ['13800138000', 'alice@', '482913']) expect(everything).not.toContain(secret);
  });

  it('makes one transport per operator and channel for batches that ask at the same moment, and one again when the settings change', async () => {
    const { dir } = await outbox();
    let current = DEFAULT_SETTINGS;
    const settings = { of: async () => current } as unknown as NotificationSettingsStore;
    const pool = new TransportPool(settings, { outboxDir: dir });
    cleanups.push(() => pool.close());
    const [a, b, c] = await Promise.all([pool.for('op_1', 'sms'), pool.for('op_1', 'sms'), pool.for('op_1', 'sms')]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    const gateway = parseTransportSettings('sms', { kind: 'http', url: 'https://sms.example.com/v1/send', body: { to: '{{to}}', text: '{{text}}' } });
    current = { ...DEFAULT_SETTINGS, transports: { ...DEFAULT_SETTINGS.transports, sms: gateway } };
    const closed: Transport[] = [];
    const close = a.close?.bind(a);
    a.close = async () => {
      closed.push(a);
      await close?.();
    };
    const [d, e] = await Promise.all([pool.for('op_1', 'sms'), pool.for('op_1', 'sms')]);
    expect(d).toMatchObject({ kind: 'http' });
    expect(e).toBe(d);
    expect(closed).toEqual([a]);
  });

  it('logs through the server once the pool is told to, also for a transport it had made before', async () => {
    const { dir } = await outbox();
    const settings = { of: async () => DEFAULT_SETTINGS } as unknown as NotificationSettingsStore;
    const pool = new TransportPool(settings, { outboxDir: dir });
    cleanups.push(() => pool.close());
    await (await pool.for('op_1', 'sms')).send(sms({ id: 'msg-before' }));
    const logged: string[] = [];
    await pool.logTo({ info: (_fields: object, message: string) => logged.push(message) });
    await (await pool.for('op_1', 'sms')).send(sms({ id: 'msg-after' }));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(join(dir, 'sms.jsonl'));
  });
});

describe('smtp transport', () => {
  interface Received {
    from: string;
    to: string[];
    raw: string;
  }

  async function smtpServer(options: SMTPServerOptions = {}) {
    const received: Received[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      closeTimeout: 200,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback(null);
        });
      },
      ...options,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(resolve)));
    return { port: (server.server.address() as AddressInfo).port, received };
  }
  const refusal = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const smtp = (port: number, extra: Partial<ConstructorParameters<typeof SmtpTransport>[0]> = {}) =>
    keep(new SmtpTransport({ host: '127.0.0.1', port, from: 'Demo Mobile <no-reply@example.com>', timeoutMs: 2000, ...extra }));

  it('delivers from the configured sender with subject, text and a Message-ID made from the message id', async () => {
    const { port, received } = await smtpServer();
    const delivery = await smtp(port).send(email({ id: 'out-42' }));
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('no-reply@example.com');
    expect(mail!.to).toEqual(['alice@example.com']);
    expect(mail!.raw).toMatch(/^From: Demo Mobile <no-reply@example\.com>$/m);
    expect(mail!.raw).toMatch(/^To: alice@example\.com$/m);
    expect(mail!.raw).toMatch(/^Subject: Your renewal code$/m);
    expect(mail!.raw).toMatch(/^Message-ID: <out-42@simkeep>$/im);
    expect(mail!.raw).toContain('Your code is 482913');
    expect(delivery.providerId).toBe('OK: message queued'); // smtp-server's reply, without its 250
  });

  it('logs in with good credentials; a wrong password (535) is permanent', async () => {
    const { port, received } = await smtpServer({
      authOptional: false,
      onAuth: (auth, _session, callback) =>
        auth.username === 'mailer' && auth.password === 'right' ? callback(null, { user: 'mailer' }) : callback(new Error('Invalid username or password')),
    });
    await smtp(port, { user: 'mailer', password: 'right', requireTLS: false }).send(email());
    expect(received).toHaveLength(1);
    // Retrying with the same wrong password cannot succeed and may lock the account.
    const error = await rejectionOf(smtp(port, { user: 'mailer', password: 'wrong', requireTLS: false }).send(email()));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('535');
    expect(error.message).not.toContain('wrong');
  });

  it('does not send a password to a server that offers no TLS unless told to', async () => {
    let logins = 0;
    const { port, received } = await smtpServer({ onAuth: (_auth, _session, callback) => callback(null, { user: String(++logins) }) });
    const error = await rejectionOf(smtp(port, { user: 'mailer', password: 'right' }).send(email()));
    expect(error.message).toContain('STARTTLS');
    expect(error.permanent).toBe(true); // the server's 500 to STARTTLS: it will not learn TLS by the next try
    expect(logins).toBe(0);
    expect(received).toEqual([]);
  });

  it('a recipient refused with 550 is permanent', async () => {
    const { port } = await smtpServer({ onRcptTo: (_address, _session, callback) => callback(refusal(550, 'No such user here')) });
    const error = await rejectionOf(smtp(port).send(email()));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('550');
  });

  it('a 451 answer is retryable', async () => {
    const { port } = await smtpServer({ onMailFrom: (_address, _session, callback) => callback(refusal(451, 'Try again later')) });
    const error = await rejectionOf(smtp(port).send(email()));
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('451');
  });

  it('a closed port is retryable', async () => {
    const error = await rejectionOf(smtp(await closedPort()).send(email()));
    expect(error.permanent).toBe(false);
  });
});

describe('http gateway transport', () => {
  interface GatewayRequest {
    method: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  type Answer = { status: number; body: string } | 'hang';

  async function gateway(answer: Answer) {
    const requests: GatewayRequest[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ method: request.method ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (answer !== 'hang') response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`, requests };
  }

  const TOKEN = 'tok-5ecret-9f8e7d';
  const settings = (url: string, extra: Partial<HttpGatewaySettings> = {}): Omit<HttpGatewaySettings, 'kind'> => ({
    url,
    headers: { Authorization: `Bearer ${TOKEN}` },
    body: { sender: 'SIMKEEP', message: { to: '{{to}}', content: 'Code for {{operator}}: {{text}}' }, refs: ['{{id}}', 7, true, null] },
    idField: 'messageId',
    ...extra,
  });

  it('posts the filled template with the configured headers and an Idempotency-Key, and returns the provider id', async () => {
    const { url, requests } = await gateway({ status: 200, body: JSON.stringify({ messageId: 'gw-981' }) });
    const delivery = await new HttpGatewayTransport(settings(url)).send(sms({ id: 'out-7', text: 'Your code is {{id}} "482913"' }));
    expect(delivery).toEqual({ providerId: 'gw-981' });
    const [request] = requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['idempotency-key']).toBe('out-7');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({
      sender: 'SIMKEEP',
      message: { to: '+8613800138000', content: 'Code for demo: Your code is {{id}} "482913"' },
      refs: ['out-7', 7, true, null],
    });
  });

  it.each([
    [500, false],
    [503, false],
    [429, false],
    [408, false],
    [400, true],
    [401, true],
    [404, true],
  ])('an answer %i is %s permanent', async (status, permanent) => {
    const { url } = await gateway({ status, body: JSON.stringify({ error: 'refused', echo: `Bearer ${TOKEN}` }) });
    const error = await rejectionOf(new HttpGatewayTransport(settings(url)).send(sms()));
    expect(error.permanent).toBe(permanent);
    expect(error.message).toContain(String(status));
    expect(error.message).toContain('refused');
    expect(error.message).not.toContain(TOKEN);
  });

  it('quotes at most about 200 characters of the answer', async () => {
    const { url } = await gateway({ status: 502, body: 'e'.repeat(5000) });
    const error = await rejectionOf(new HttpGatewayTransport(settings(url)).send(sms()));
    expect(error.message.length).toBeLessThan(260);
  });

  it('a gateway that does not answer in time is retryable', async () => {
    const { url, requests } = await gateway('hang');
    const started = Date.now();
    const error = await rejectionOf(new HttpGatewayTransport(settings(url, { timeoutMs: 200 })).send(sms()));
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(requests).toHaveLength(1);
  });

  it('an unreachable gateway is retryable and its error holds no header value', async () => {
    const error = await rejectionOf(new HttpGatewayTransport(settings(`http://127.0.0.1:${await closedPort()}/`)).send(sms()));
    expect(error.permanent).toBe(false);
    expect(error.message).not.toContain(TOKEN);
  });
});

describe('transport settings', () => {
  const http = {
    kind: 'http',
    url: 'https://sms.example.com/v1/send?apikey=k-123',
    headers: { 'X-Api-Key': 'k-456' },
    body: { to: '{{to}}', text: '{{text}}' },
  };
  const smtp = { kind: 'smtp', host: 'smtp.example.com', port: 587, user: 'mailer', password: 'p-789', from: 'Demo <no-reply@example.com>' };

  it('accepts good settings for each channel', () => {
    expect(parseTransportSettings('sms', { kind: 'console' })).toEqual({ kind: 'console' });
    expect(parseTransportSettings('sms', { ...http, idField: 'data.id', timeoutMs: 5000 })).toEqual({ ...http, idField: 'data.id', timeoutMs: 5000 });
    expect(parseTransportSettings('email', { ...smtp, secure: false, timeoutMs: 60_000 })).toMatchObject(smtp);
    expect(parseTransportSettings('email', { ...smtp, from: 'no-reply@example.com' }).kind).toBe('smtp');
  });

  it.each([
    ['sms', { kind: 'http', body: {} }, 'url is required'],
    ['sms', { ...http, url: 'ftp://sms.example.com/' }, 'url must be an http:// or https:// URL'],
    ['sms', { ...http, headers: { 'Bad Header': 'x' } }, 'headers.Bad Header is not a valid header name'],
    ['sms', { ...http, headers: { 'X-Api-Key': 'k\r\nX-Injected: 1' } }, 'headers.X-Api-Key must be on one line'],
    ['sms', { ...http, body: { to: '{{phone}}' } }, 'body.to has an unknown placeholder {{phone}}'],
    ['sms', { ...http, timeoutMs: 0 }, 'timeoutMs must be >= 1'],
    ['sms', smtp, 'kind must be one of console, http'],
    ['sms', { kind: 'pigeon' }, 'kind must be one of console, http'],
    ['sms', 'console', 'kind must be one of'],
    ['email', { ...smtp, port: 0 }, 'port must be >= 1'],
    ['email', { ...smtp, port: 70_000 }, 'port must be <= 65535'],
    ['email', { ...smtp, from: 'not an address' }, 'from must be an address'],
    ['email', { ...smtp, password: undefined }, 'password is required when user is set'],
    ['email', { ...smtp, pasword: 'typo' }, 'pasword is not a known setting'],
  ] as const)('%s settings %j are refused naming the field (%s)', (channel, value, expected) => {
    let error: unknown;
    try {
      parseTransportSettings(channel, value);
    } catch (failure) {
      error = failure;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_request');
    expect((error as DomainError).message).toContain(expected);
  });

  it('redacts header values, the password and URL credentials in a copy', () => {
    const parsed = parseTransportSettings('sms', { ...http, body: { ...http.body, api_key: 'k-000', signName: 'Demo' } });
    const before = structuredClone(parsed);
    const redacted = redactTransportSettings(parsed);
    expect(redacted).toMatchObject({ headers: { 'X-Api-Key': '***' }, body: { to: '{{to}}', api_key: '***', signName: 'Demo' } });
    expect(redacted.kind === 'http' && new URL(redacted.url).searchParams.get('apikey')).toBe('***');
    expect(JSON.stringify(redacted)).not.toMatch(/k-\d{3}/);
    expect(parsed).toEqual(before);
    const mail = parseTransportSettings('email', smtp);
    expect(redactTransportSettings(mail)).toEqual({ ...smtp, password: '***' });
    expect(mail).toEqual(smtp);
  });

  it('builds the transport each kind names, and only for its channel', async () => {
    const context = { outboxDir: join(tmpdir(), 'simkeep-unused') };
    expect(createTransport('sms', { kind: 'console' }, context)).toMatchObject({ kind: 'console', channel: 'sms' });
    expect(keep(createTransport('email', parseTransportSettings('email', smtp), context))).toMatchObject({ kind: 'smtp', channel: 'email' });
    const gatewaySms = createTransport('sms', parseTransportSettings('sms', http), context);
    expect(gatewaySms).toMatchObject({ kind: 'http', channel: 'sms' });
    expect(() => createTransport('email', parseTransportSettings('sms', http), context)).toThrow(/http transport cannot carry email/);
  });
});
