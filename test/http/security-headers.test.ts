/**
 * Headers and limits (issue #18): every kind of page (the web app, the server-rendered
 * checkout and receipt pages, the API docs) and the API's JSON carry the content security
 * policy and the other browser headers; HSTS only over HTTPS as a trusted proxy says;
 * CORS off unless SIMKEEP_CORS_ORIGINS lists the caller; body size limits by route group;
 * a route that takes too long, and a client too slow to send its request, are cut off.
 * Chromium checks the same policy against the real pages in test/e2e (support.ts).
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { applyLimits } from '../../src/http/limits.js';
import { webRoot } from '../../src/http/web-app.js';
import { createServices } from '../../src/services.js';
import { setUpHall, signIn } from '../hall/support.js';
import { DIALECTS, freshDatabase } from '../support/databases.js';
import { type Harness, newCard, placeOrder, renewOnline, SANDBOX_ON, startHarness, TEST_MASTER_KEY } from '../support/harness.js';
import { configure, DESKTOP, openCheckout, type ProviderHarness, providerOrder, startProviderHarness } from '../support/provider-flows.js';

type Headers = Record<string, unknown>;

/** The policy's directives by name. */
function directives(headers: Headers): Map<string, string[]> {
  const csp = String(headers['content-security-policy'] ?? '');
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

/**
 * What every answer tells the browser, over plain HTTP. The API docs' policy also allows
 * the one inline style of Swagger UI, by its hash.
 */
function expectBrowserHeaders(headers: Headers, page: 'docs' | 'other' = 'other') {
  const policy = directives(headers);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('script-src')).toEqual(["'self'"]);
  expect(policy.get('script-src-attr')).toEqual(["'none'"]);
  expect(policy.get('style-src')).toEqual(page === 'docs' ? ["'self'", expect.stringMatching(/^'sha256-[A-Za-z0-9+/]+=*'$/)] : ["'self'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('form-action')?.[0]).toBe("'self'");
  expect(String(headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests|\*/);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['strict-transport-security']).toBeUndefined();
  expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
}

/** A server-rendered page with nothing inline: the policy would refuse it. */
function expectNothingInline(html: string) {
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  expect(html).not.toMatch(/<style/);
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toMatch(/\son[a-z]+=/);
}

const SHOP = 'https://shop.example.com';

describe.each(DIALECTS)('security headers on %s', (dialect) => {
  let h: Harness;
  let receiptUrl: string;
  let checkoutUrl: string;
  beforeAll(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_TRUST_PROXY: '127.0.0.1' });
    await setUpHall(h);
    const paid = await renewOnline(h, await newCard(h, '2027-01-31'), 'm1');
    const verify = new URL(paid.receipt.verifyUrl, 'https://renew.example.test');
    receiptUrl = verify.pathname + verify.search;
    const pending = await placeOrder(h, await newCard(h, '2027-01-31'), 'm1');
    checkoutUrl = new URL(pending.body.payment.checkoutUrl, 'https://renew.example.test').pathname;
  });
  afterAll(() => h.close());

  it('gives the server-rendered pages, the API docs and the API the policy and the other headers', async () => {
    const pages = {
      receipt: await h.request({ method: 'GET', url: receiptUrl }),
      unknownReceipt: await h.request({ method: 'GET', url: '/r/NOPE-2026-000001?sig=x' }),
      checkout: await h.request({ method: 'GET', url: checkoutUrl }),
      docs: await h.request({ method: 'GET', url: '/docs' }),
    };
    expect(pages.receipt.status).toBe(200);
    expect(pages.unknownReceipt.status).toBe(404);
    expect(pages.checkout.status).toBe(200);
    expect(pages.docs.status).toBe(200);
    for (const [kind, page] of Object.entries(pages)) {
      expectBrowserHeaders(page.headers, kind === 'docs' ? 'docs' : 'other');
      expectNothingInline(page.raw);
    }
    // What they link instead is this site's own, and served.
    const linked = [...pages.checkout.raw.matchAll(/(?:href|src)="(\/page-assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(linked).toHaveLength(1);
    const style = await h.request({ method: 'GET', url: linked[0] as string });
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    expect((await h.request({ method: 'GET', url: '/page-assets/page-0000000000.css' })).status).toBe(404);

    for (const answer of [
      await h.request({ method: 'GET', url: '/v1/storefront' }),
      await h.request({ method: 'GET', url: '/v1/no-such-route' }),
      await h.request({ method: 'GET', url: '/healthz' }),
    ]) {
      expectBrowserHeaders(answer.headers);
    }
    expectBrowserHeaders((await h.request({ method: 'GET', url: '/docs/json' })).headers, 'docs');
  });

  it.skipIf(!webRoot())('gives every page of the web app (subscriber, account, console, kiosk, board, ticket) the same policy', async () => {
    for (const url of ['/', '/card', '/account', '/staff/login', '/halls/h/kiosk', '/halls/h/board', '/tickets/tt_x']) {
      const page = await h.request({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(page.status, url).toBe(200);
      expectBrowserHeaders(page.headers);
      expectNothingInline(page.raw);
    }
  });

  it('sends HSTS only when the request came over HTTPS, as a trusted proxy says', async () => {
    const viaProxy = (remoteAddress: string, proto: string) =>
      h.request({ method: 'GET', url: '/healthz', remoteAddress, headers: { 'x-forwarded-proto': proto } } as never);
    expect((await viaProxy('127.0.0.1', 'https')).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await viaProxy('127.0.0.1', 'http')).headers['strict-transport-security']).toBeUndefined();
    // A client writing the header itself is not a proxy.
    expect((await viaProxy('203.0.113.9', 'https')).headers['strict-transport-security']).toBeUndefined();
  });

  it('has CORS off by default: no Access-Control-* header for any origin, no preflight', async () => {
    const get = await h.request({ method: 'GET', url: '/v1/storefront', headers: { origin: SHOP } });
    expect(get.status).toBe(200);
    expectBrowserHeaders(get.headers);
    expect(get.headers.vary ?? '').not.toMatch(/origin/i);
    const preflight = await h.request({
      method: 'OPTIONS',
      url: '/v1/cards/lookup',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(404);
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('limits bodies by route group: 413 invalid_request over the limit, in the caller’s language', async () => {
    const json = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    const send = (url: string, payload: string, headers: Record<string, string> = {}, method: 'POST' | 'PUT' = 'POST') =>
      h.request({ method, url, payload, headers: { 'content-type': 'application/json', 'accept-language': 'en', ...headers } });
    const tooLarge = { status: 413, body: { error: { code: 'invalid_request', message: 'The request body is too large.' } } };

    // Public: 16 KB.
    expect(await send('/v1/cards/lookup', json(17 * 1024))).toMatchObject(tooLarge);
    expect((await send('/v1/cards/lookup', json(15 * 1024))).status).toBe(400);
    // Admin: 128 KB (a provider's settings hold certificates).
    const admin = { authorization: 'Bearer test-admin-token-0123456789abcdef' };
    const settings = '/v1/admin/operators/demo/payment-providers/alipay';
    expect((await send(settings, json(100 * 1024), admin, 'PUT')).status).toBe(400);
    expect(await send(settings, json(129 * 1024), admin, 'PUT')).toMatchObject(tooLarge);
    // Provider notifications: 16 KB, answered in the provider's way beside our error.
    const notify = (bytes: number) =>
      h.request({
        method: 'POST',
        url: '/v1/payments/alipay/notify/demo',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `a=${'x'.repeat(bytes)}`,
      });
    expect(await notify(17 * 1024)).toMatchObject({ status: 413, body: { error: { code: 'invalid_request' } } });
    expect((await notify(8 * 1024)).status).not.toBe(413);
    // The sandbox checkout's buttons post empty forms: 1 KB.
    const pay = (bytes: number) =>
      h.request({
        method: 'POST',
        url: `${checkoutUrl}/fail`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a'.repeat(bytes),
      });
    expect((await pay(2048)).status).toBe(413);
    expect((await pay(10)).status).toBe(303);
  });

  it('limits the console’s bodies to 32 KB, once the clerk is known', async () => {
    const clerk = await signIn(h, 'clerk1');
    const big = (bytes: number) =>
      clerk.call('POST', `/v1/console/quotes`, JSON.stringify({ pad: 'x'.repeat(bytes) }), {
        'content-type': 'application/json',
      });
    expect((await big(33 * 1024)).status).toBe(413);
    expect((await big(20 * 1024)).status).not.toBe(413);
  });
});

describe.each(DIALECTS)('the pages between the web app and a provider, on %s', (dialect) => {
  let ph: ProviderHarness;
  beforeAll(async () => {
    ph = await startProviderHarness(dialect);
    for (const provider of ['unionpay', 'wechatpay'] as const) {
      const saved = await configure(ph.h, provider, ph.fake[provider].settings());
      expect(saved.status, saved.raw).toBe(200);
    }
  });
  afterAll(() => ph.close());

  it('lets the UnionPay page submit its form to the gateway, and to no other site', async () => {
    const { order } = await providerOrder(ph.h, 'unionpay');
    const page = await openCheckout(ph.h, order.payment.checkoutUrl);
    expect(page.status, page.raw).toBe(200);
    expectNothingInline(page.raw);
    const gateway = new URL(/<form[^>]*action="([^"]*)"/.exec(page.raw)?.[1] ?? '').origin;
    expect(gateway).toBe(new URL(ph.fake.url).origin);
    expect(directives(page.headers).get('form-action')).toEqual(["'self'", gateway]);
    expectBrowserHeaders(page.headers);
    for (const name of ['script-src', 'style-src', 'connect-src']) expect(directives(page.headers).get(name)).toEqual(["'self'"]);
  });

  it('has the WeChat Pay QR page follow the order from a file of ours', async () => {
    const { order } = await providerOrder(ph.h, 'wechatpay');
    const page = await openCheckout(ph.h, order.payment.checkoutUrl, DESKTOP);
    expect(page.status, page.raw).toBe(200);
    expectNothingInline(page.raw);
    expectBrowserHeaders(page.headers);
    expect(directives(page.headers).get('form-action')).toEqual(["'self'"]);
    const script = /<script src="(\/page-assets\/follow-order-[0-9a-f]+\.js)" data-order="([^"]+)" data-return="([^"]+)"><\/script>/.exec(page.raw);
    expect(script?.[2]).toBe(`/v1/orders/${order.id}`);
    const file = await ph.h.request({ method: 'GET', url: script?.[1] ?? '' });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/javascript/);
    expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(file.raw).toContain('document.currentScript.dataset');
  });
});

describe.each(DIALECTS)('CORS with an allow-list, on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, { SIMKEEP_CORS_ORIGINS: `${SHOP}/, http://localhost:5173` });
  });
  afterAll(() => h.close());

  it('lets a listed origin read answers, without credentials, and says the answer varies by Origin', async () => {
    const get = await h.request({ method: 'GET', url: '/v1/storefront', headers: { origin: SHOP } });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(SHOP);
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
    expect(get.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(String(get.headers.vary)).toMatch(/\bOrigin\b/);
    const other = await h.request({ method: 'GET', url: '/v1/storefront', headers: { origin: 'https://evil.example.net' } });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(other.headers.vary)).toMatch(/\bOrigin\b/);
    // An error answers the listed origin too, so its script can read the code.
    const missing = await h.request({ method: 'GET', url: '/v1/orders/ord_nope', headers: { origin: 'http://localhost:5173' } });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('answers a listed origin’s preflight, and no one else’s', async () => {
    const preflight = (origin: string) =>
      h.request({
        method: 'OPTIONS',
        url: '/v1/cards/lookup',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
      });
    const allowed = await preflight(SHOP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP);
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('content-type');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('idempotency-key');
    expect(allowed.headers['access-control-max-age']).toBe('600');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
    const refused = await preflight('https://evil.example.net');
    expect(refused.status).toBe(404);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.skipIf(!webRoot())('keeps the web app’s own Vary beside Origin', async () => {
    const index = (await h.request({ method: 'GET', url: '/' })).raw;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
    const asset = await h.request({ method: 'GET', url: script, headers: { origin: SHOP, 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(String(asset.headers.vary).toLowerCase()).toMatch(/accept-encoding/);
    expect(String(asset.headers.vary)).toMatch(/\bOrigin\b/);
  });
});

describe('SIMKEEP_CORS_ORIGINS', () => {
  it('takes origins, and refuses paths, wildcards and other schemes', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ SIMKEEP_CORS_ORIGINS: 'https://a.example, https://a.example/,http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'https://a.example/shop', 'a.example', 'ftp://a.example']) {
      expect(() => loadConfig({ SIMKEEP_CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });
});

describe.each(DIALECTS)('time limits on %s', (dialect) => {
  it('answers 503 request_timed_out when a route does not answer within its group’s time', async () => {
    const database = await freshDatabase(dialect);
    const app = await buildApp(await createServices(database.db, loadConfig({ SIMKEEP_MASTER_KEY: TEST_MASTER_KEY })), { web: false });
    await app.register(async (slow) => {
      applyLimits(slow, { bodyLimit: 1024, handlerTimeout: 100 });
      slow.get('/v1/test/slow', async () => {
        await sleep(400);
        return { late: true };
      });
    });
    try {
      const answer = await app.inject({ method: 'GET', url: '/v1/test/slow', headers: { 'accept-language': 'en' } });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toEqual({ error: { code: 'request_timed_out', message: 'The request took too long to answer; retry in a moment.' } });
      expectBrowserHeaders(answer.headers);
    } finally {
      await sleep(400);
      await app.close();
      await database.drop();
    }
  });

  it('cuts off a client that sends its headers, or its body, too slowly (408, connection closed)', async () => {
    const database = await freshDatabase(dialect);
    const app = await buildApp(await createServices(database.db, loadConfig({ SIMKEEP_MASTER_KEY: TEST_MASTER_KEY })), {
      web: false,
      serverLimits: { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as net.AddressInfo).port;
    /** Writes the first part, then a byte every 100 ms; what the server said and how long until it hung up. */
    const slowClient = (first: string, drip: string) =>
      new Promise<{ answer: string; ms: number }>((resolve) => {
        const started = Date.now();
        const socket = net.connect(port, '127.0.0.1', () => socket.write(first));
        let answer = '';
        const dripping = setInterval(() => socket.writable && socket.write(drip), 100);
        socket.on('data', (chunk) => {
          answer += chunk;
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(dripping);
          resolve({ answer, ms: Date.now() - started });
        });
      });
    try {
      const headers = await slowClient('GET /healthz HTTP/1.1\r\nHost: simkeep\r\n', 'X');
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(headers.ms).toBeLessThan(3_000);
      const body = await slowClient('POST /v1/cards/lookup HTTP/1.1\r\nHost: simkeep\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ' ');
      expect(body.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(body.ms).toBeLessThan(3_000);
      // A client that sends its request at once is answered as usual.
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
