/**
 * The request log holds no phone number, serial, token or signature: the routes that carry
 * them in their URLs are driven with real and made-up values, and the captured log lines
 * are searched for each value (and its percent-encoded form).
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { loggedError, maskText, requestLogOptions } from '../../src/http/request-log.js';
import { createServices } from '../../src/services.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, DEFAULT_NOW, TEST_MASTER_KEY, uniqueIccid, uniqueMsisdn } from '../support/harness.js';

describe.each(DIALECTS)('the request log on %s', (dialect) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const lines: string[] = [];
  const card = { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2027-01-31' };
  const ticketToken = 'tt_Zx81kQm0pLr7Vw3nB5cY';
  const linkToken = 'rlSecretToken0123456789abcdef';
  const calendarToken = 'calSecret0123456789abcdefXYZ';
  const signature = 'c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ';

  beforeAll(async () => {
    database = await freshDatabase(dialect);
    const config = loadConfig({ SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN, SIMKEEP_MASTER_KEY: TEST_MASTER_KEY, SIMKEEP_PUBLIC_URL: 'https://renew.example.test' });
    const services = await createServices(database.db, config, new ManualClock(new Date(DEFAULT_NOW)));
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    app = await buildApp(services, { logger: { ...requestLogOptions('info'), stream } });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    await app.inject({ method: 'POST', url: '/v1/admin/operators', headers: admin, payload: { code: 'demo', name: 'Demo' } });
    expect((await app.inject({ method: 'POST', url: '/v1/admin/operators/demo/cards', headers: admin, payload: card })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('logs route patterns and masked values, never the number, serial, tokens or signatures', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const encoded = encodeURIComponent(card.msisdn);
    const visits = [
      { method: 'GET' as const, url: `/v1/admin/cards/${encoded}`, headers: admin },
      { method: 'POST' as const, url: `/v1/admin/cards/${encoded}/block`, headers: admin, payload: { reason: 'lost' } },
      { method: 'GET' as const, url: `/v1/tickets/${ticketToken}` },
      { method: 'POST' as const, url: `/v1/tickets/${ticketToken}/cancel` },
      { method: 'GET' as const, url: `/v1/tickets/${ticketToken}/qr.svg` },
      { method: 'GET' as const, url: `/r/DEMO-2026-000001?sig=${signature}` },
      { method: 'GET' as const, url: `/v1/renewal-links/${linkToken}` },
      { method: 'GET' as const, url: `/v1/calendar/${calendarToken}.ics` },
      { method: 'POST' as const, url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } },
      // Paths no route matches (a page of the web app, a typo) are masked segment by segment.
      { method: 'GET' as const, url: `/tickets/${ticketToken}`, headers: { accept: 'text/html' } },
      { method: 'GET' as const, url: `/no/such/${encoded}/${card.iccid}?token=${linkToken}` },
    ];
    for (const visit of visits) await app.inject(visit);

    const log = lines.join('\n');
    // The log is there, by route pattern.
    for (const pattern of ['/v1/admin/cards/:msisdn', '/v1/tickets/:token', '/r/:number', '/v1/renewal-links/:token', '/v1/calendar/:token.ics']) {
      expect(log).toContain(`"url":"${pattern}`);
    }
    const national = card.msisdn.slice(3);
    for (const secret of [card.msisdn, encoded, national, card.iccid, ticketToken, linkToken, calendarToken, signature]) {
      expect(log, `found ${secret} in the log`).not.toContain(secret);
    }
    expect(log).toContain(`"msisdn":"+86 ${national.slice(0, 3)}****${national.slice(-4)}"`);
  });

  it('masks numbers and tokens in error text and leaves out database details', () => {
    const error = Object.assign(new Error(`duplicate key for ${card.msisdn} (${card.iccid}) at /r/X?sig=${signature} ${ticketToken}`), {
      code: '23505',
      detail: `Key (msisdn)=(${card.msisdn}) already exists.`,
    });
    const logged = JSON.stringify(loggedError(error));
    for (const secret of [card.msisdn, card.iccid, signature, ticketToken]) expect(logged).not.toContain(secret);
    expect(logged).not.toContain('Key (msisdn)');
    expect(logged).toContain('"code":"23505"');
    expect(maskText('call +8613800138000')).toBe('call +86 138****8000');
  });

  it('answers X-Request-Id: a well-formed incoming one, else a new UUID', async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'edge-7f3a.42' } });
    expect(given.headers['x-request-id']).toBe('edge-7f3a.42');
    const forged = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith "quotes"' } });
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    for (const reply of [forged, fresh]) expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(forged.headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);
    expect(lines.join('\n')).toContain('"reqId":"edge-7f3a.42"');
  });
});
