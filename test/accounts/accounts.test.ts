/**
 * Subscriber accounts over HTTP on both databases: a code sent by SMS through the outbox,
 * signing in with it (cookie, limits, locks, one use), "My cards", orders with receipts,
 * reminder choices, signing out; codes and sessions stored only as hashes; another
 * account's session reaching nothing of yours; cross-site requests refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageBodyPlace } from '../../src/notify/dispatcher.js';
import { runJobsOnce } from '../../src/platform/jobs.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, renewOnline, SANDBOX_ON, startHarness, uniqueIccid, uniqueMsisdn } from '../support/harness.js';

const MINUTE = 60_000;
const JSON_TYPE = { 'content-type': 'application/json' };

type Card = { msisdn: string; iccid: string };

describe.each(DIALECTS)('subscriber accounts on %s', (dialect) => {
  let h: Harness;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-accounts-'));
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_DATA_DIR: dataDir });
    await newOperator(h, { displayName: 'Demo Mobile', brandColor: '#c8102e' });
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });

  afterEach(async () => {
    // The SMS sent at once after each code request may still be on its way.
    await settled();
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const db = () => h.services.db.kysely;

  /** Waits until the drains kicked after each code request have sent every message. */
  async function settled() {
    await vi.waitFor(async () => expect(await db().selectFrom('outbox').select('id').where('status', '=', 'pending').execute()).toEqual([]));
  }

  function send(
    method: InjectOptions['method'],
    url: string,
    options: { body?: unknown; cookie?: string; ip?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...(options.body === undefined ? {} : JSON_TYPE), ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    return h.request({
      method,
      url,
      headers,
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      ...(options.ip ? { remoteAddress: options.ip } : {}),
    });
  }
  const askCode = (msisdn: string, ip?: string) => send('POST', '/v1/auth/code', { body: { msisdn }, ...(ip ? { ip } : {}) });
  const verify = (msisdn: string, code: string) => send('POST', '/v1/auth/verify', { body: { msisdn, code } });

  /** The code of the last SMS written for the number, read from the outbox table (where it is sealed). */
  async function lastCode(msisdn: string): Promise<string> {
    const row = await db()
      .selectFrom('outbox')
      .select(['id', 'body'])
      .where('recipient', '=', msisdn)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const code = /验证码 ([0-9]{6})/.exec(h.services.keyring.open(row.body ?? '', messageBodyPlace(row.id)))?.[1];
    if (!code) throw new Error(`no code in ${row.body}`);
    return code;
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  function setCookie(response: { headers: Record<string, unknown> }): string {
    const header = response.headers['set-cookie'];
    const all = Array.isArray(header) ? header : [header];
    const cookie = all.find((c): c is string => typeof c === 'string' && c.startsWith('simkeep_session='));
    if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
    return cookie;
  }
  /** Signs the number in; returns the `cookie` header to send back. */
  async function signIn(msisdn: string): Promise<string> {
    expect((await askCode(msisdn)).status).toBe(202);
    const verified = await verify(msisdn, await lastCode(msisdn));
    expect(verified.status, verified.raw).toBe(200);
    return setCookie(verified).split(';')[0] as string;
  }
  const me = (cookie: string) => send('GET', '/v1/me', { cookie });
  const addCard = (cookie: string, card: Card) => send('POST', '/v1/me/cards', { cookie, body: { msisdn: card.msisdn, iccid: card.iccid } });
  const cardId = async (msisdn: string) =>
    (await db().selectFrom('cards').select('id').where('msisdn', '=', msisdn).where('retired_at', 'is', null).executeTakeFirstOrThrow()).id;
  const sent = () => {
    const file = path.join(dataDir, 'outbox', 'sms.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { to: string; text: string });
  };

  it('signs in with a code sent by SMS, lists My cards, adds one by proof, shows orders with receipts, changes reminders, and signs out', async () => {
    const own = await newCard(h, '2027-01-31');
    const other = await newCard(h, '2026-11-28');

    const asked = await askCode(own.msisdn);
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ sent: true, expiresIn: 300 });
    expect(asked.headers['cache-control']).toBe('no-store');
    // Sent at once, without waiting for the scheduled jobs.
    await vi.waitFor(() => expect(sent()).toHaveLength(1));
    const [sms] = sent();
    const code = /验证码 ([0-9]{6})/.exec(sms?.text ?? '')?.[1] as string;
    expect(sms).toMatchObject({ to: own.msisdn });
    expect(sms?.text).toBe(`【simkeep】验证码 ${code}，5分钟内有效，请勿告诉他人。Your code is ${code}, valid for 5 minutes. Do not share it.`);

    const verified = await verify(own.msisdn, code);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ account: { msisdn: own.msisdn, cards: 1 } });
    const cookieHeader = setCookie(verified);
    expect(cookieHeader).toMatch(/^simkeep_session=[A-Za-z0-9_-]{43}; /);
    const attributes = cookieHeader.split('; ').slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['Max-Age=2592000', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
    const cookie = cookieHeader.split(';')[0] as string;

    const listed = await me(cookie);
    expect(listed.status).toBe(200);
    expect(listed.headers['cache-control']).toBe('no-store');
    const ownEntry = {
      id: await cardId(own.msisdn),
      msisdn: own.msisdn,
      operator: 'demo',
      operatorName: 'Demo Mobile',
      brandColor: '#c8102e',
      status: 'active',
      validUntil: '2027-01-31',
      daysLeft: 68,
      expiringSoon: false,
      renewable: true,
      iccidLast6: own.iccid.slice(-6),
      contact: { channel: 'sms', email: null, locale: 'zh-CN', optedOut: false },
    };
    expect(listed.body).toEqual({ msisdn: own.msisdn, cards: [ownEntry] });

    const added = await addCard(cookie, { msisdn: other.msisdn, iccid: other.iccid.slice(-6) });
    expect(added.status).toBe(201);
    const otherEntry = {
      ...ownEntry,
      id: await cardId(other.msisdn),
      msisdn: other.msisdn,
      validUntil: '2026-11-28',
      daysLeft: 4,
      expiringSoon: true,
      iccidLast6: other.iccid.slice(-6),
    };
    expect(added.body).toEqual(otherEntry);
    // Adding it again changes nothing and answers the same entry.
    const again = await addCard(cookie, other);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(otherEntry);
    expect((await me(cookie)).body.cards).toEqual([ownEntry, otherEntry]);

    expect((await send('GET', '/v1/me/orders', { cookie })).body).toEqual({ orders: [] });
    const first = await renewOnline(h, other, 'm1');
    h.clock.advance(MINUTE);
    const second = await renewOnline(h, own, 'm1');
    const orders = await send('GET', '/v1/me/orders', { cookie });
    expect(orders.status).toBe(200);
    expect(orders.body.orders).toEqual([second, first]);
    expect(first.receipt).toEqual({
      number: expect.stringMatching(/^DEMO-2026-/),
      pdfUrl: `/v1/orders/${first.id}/receipt.pdf`,
      verifyUrl: expect.any(String),
    });
    expect((await send('GET', '/v1/me/orders?limit=1', { cookie })).body.orders).toEqual([second]);
    expect((await me(cookie)).body.cards.map((c: { validUntil: string }) => c.validUntil)).toEqual(['2027-02-28', '2026-12-28']);

    const contact = await send('PUT', `/v1/me/cards/${otherEntry.id}/contact`, {
      cookie,
      body: { channel: 'email', email: 'li.wei@example.com', locale: 'en' },
    });
    expect(contact.status).toBe(200);
    expect(contact.body).toEqual({ channel: 'email', email: 'l***@example.com', locale: 'en', optedOut: false });
    expect(contact.raw).not.toContain('li.wei');
    const optedOut = await send('PUT', `/v1/me/cards/${otherEntry.id}/contact`, { cookie, body: { channel: 'sms', optedOut: true } });
    expect(optedOut.body).toEqual({ channel: 'sms', email: null, locale: 'en', optedOut: true });
    // The same preferences the number-and-serial route reads.
    const byProof = await send('POST', '/v1/cards/contact/lookup', { body: { msisdn: other.msisdn, iccid: other.iccid } });
    expect(byProof.body).toEqual(optedOut.body);
    expect((await me(cookie)).body.cards[1].contact).toEqual(optedOut.body);

    const removed = await send('DELETE', `/v1/me/cards/${otherEntry.id}`, { cookie });
    expect(removed.status).toBe(204);
    expect(removed.raw).toBe('');
    expect((await me(cookie)).body.cards.map((c: { id: string }) => c.id)).toEqual([ownEntry.id]);
    expect((await send('GET', '/v1/me/orders', { cookie })).body.orders.map((o: { id: string }) => o.id)).toEqual([second.id]);
    expect((await send('DELETE', `/v1/me/cards/${otherEntry.id}`, { cookie })).body.error.code).toBe('card_not_found');

    const out = await send('POST', '/v1/auth/logout', { cookie });
    expect(out.status).toBe(204);
    expect(setCookie(out)).toMatch(/^simkeep_session=; .*Expires=Thu, 01 Jan 1970/);
    for (const response of [await me(cookie), await send('GET', '/v1/me/orders', { cookie }), await addCard(cookie, other)]) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
    expect(await db().selectFrom('account_sessions').selectAll().execute()).toEqual([]);
  });

  it('stores codes and sessions only as hashes, and blanks a code out of the outbox once it has expired', async () => {
    const card = await newCard(h, '2027-01-31');
    await askCode(card.msisdn);
    const code = await lastCode(card.msisdn);
    const rows = await db().selectFrom('sign_in_codes').selectAll().execute();
    expect(rows).toEqual([
      expect.objectContaining({
        msisdn: card.msisdn,
        code_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        expires_at: '2026-11-24T04:05:00.000Z',
        wrong_tries: 0,
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(code);

    const token = setCookie(await verify(card.msisdn, code))
      .split(';')[0]
      ?.split('=')[1] as string;
    const sessions = await db().selectFrom('account_sessions').selectAll().execute();
    expect(sessions).toEqual([expect.objectContaining({ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), expires_at: '2026-12-24T04:00:00.000Z' })]);
    expect(JSON.stringify(sessions)).not.toContain(token);

    await settled();
    await h.services.dispatcher.drain();
    h.clock.advance(5 * MINUTE);
    await runJobsOnce(h.services);
    const bodies = (await db().selectFrom('outbox').select('body').where('recipient', '=', card.msisdn).execute()).map((r) => r.body);
    expect(bodies).toEqual(['【simkeep】验证码 ******，5分钟内有效，请勿告诉他人。Your code is ******, valid for 5 minutes. Do not share it.']);
  });

  it('answers a number no card has exactly like one that has a card, and signs it in to an empty account', async () => {
    const card = await newCard(h, '2027-01-31');
    const stranger = uniqueMsisdn();
    const [known, unknown] = [await askCode(card.msisdn), await askCode(stranger)];
    expect(unknown.status).toBe(known.status);
    expect(unknown.raw).toBe(known.raw);
    // Sent through the default operator's transport.
    await vi.waitFor(() => expect(sent().map((s) => s.to)).toEqual(expect.arrayContaining([card.msisdn, stranger])));

    const verified = await verify(stranger, await lastCode(stranger));
    expect(verified.body).toEqual({ account: { msisdn: stranger, cards: 0 } });
    expect((await me(setCookie(verified).split(';')[0] as string)).body).toEqual({ msisdn: stranger, cards: [] });

    for (const msisdn of ['+1234567', '8613800138000', '+86 138 0013 8000']) {
      const refused = await askCode(msisdn);
      expect(refused.status, msisdn).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
  });

  it('lets a code expire after 5 minutes, work only once, and give way to a newer one', async () => {
    const card = await newCard(h, '2027-01-31');
    await askCode(card.msisdn);
    const first = await lastCode(card.msisdn);
    h.clock.advance(5 * MINUTE);
    const expired = await verify(card.msisdn, first);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('code_expired');
    expect(expired.headers['set-cookie']).toBeUndefined();

    expect((await askCode(card.msisdn)).status).toBe(202);
    const second = await lastCode(card.msisdn);
    h.clock.advance(MINUTE);
    expect((await askCode(card.msisdn)).status).toBe(202);
    const third = await lastCode(card.msisdn);
    if (second !== third) expect((await verify(card.msisdn, second)).body.error).toMatchObject({ code: 'code_invalid', details: { triesLeft: 4 } });
    h.clock.advance(5 * MINUTE - 1000);
    expect((await verify(card.msisdn, third)).status).toBe(200);
    const reused = await verify(card.msisdn, third);
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('code_expired');
    // Never asked for: nothing to compare with.
    expect((await verify(uniqueMsisdn(), '123456')).body.error.code).toBe('code_expired');
  });

  it('locks the number for 15 minutes after 5 wrong codes, even for the right code and for new codes', async () => {
    const card = await newCard(h, '2027-01-31');
    await askCode(card.msisdn);
    const code = await lastCode(card.msisdn);
    for (const triesLeft of [4, 3, 2, 1]) {
      const refused = await verify(card.msisdn, wrong(code));
      expect(refused.status).toBe(401);
      expect(refused.body.error).toEqual({ code: 'code_invalid', message: expect.any(String), details: { triesLeft } });
    }
    const locked = await verify(card.msisdn, wrong(code));
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'too_many_attempts', details: { retryAfter: 900 } });
    expect(locked.headers['retry-after']).toBe('900');

    h.clock.advance(MINUTE);
    for (const response of [await verify(card.msisdn, code), await askCode(card.msisdn)]) {
      expect(response.status).toBe(429);
      expect(response.body.error).toMatchObject({ code: 'too_many_attempts', details: { retryAfter: 840 } });
    }
    h.clock.advance(14 * MINUTE);
    // The lock ended the code it was earned on.
    expect((await verify(card.msisdn, code)).body.error.code).toBe('code_expired');
    expect((await askCode(card.msisdn)).status).toBe(202);
    expect((await verify(card.msisdn, await lastCode(card.msisdn))).status).toBe(200);
  });

  it('sends at most 1 code per number a minute and 5 an hour, and 20 per IP an hour', async () => {
    const msisdn = uniqueMsisdn();
    expect((await askCode(msisdn)).status).toBe(202);
    const soon = await askCode(msisdn);
    expect(soon.status).toBe(429);
    expect(soon.body.error).toEqual({ code: 'too_many_attempts', message: expect.any(String), details: { retryAfter: 60 } });
    expect(soon.headers['retry-after']).toBe('60');
    h.clock.advance(30_000);
    expect((await askCode(msisdn)).body.error.details).toEqual({ retryAfter: 30 });
    h.clock.advance(30_000);
    for (let i = 0; i < 4; i++) {
      expect((await askCode(msisdn)).status).toBe(202);
      h.clock.advance(MINUTE);
    }
    // Five sent, the first 5 minutes ago: the sixth waits for it to be an hour old.
    expect((await askCode(msisdn)).body.error.details).toEqual({ retryAfter: 55 * 60 });
    h.clock.advance(55 * MINUTE);
    expect((await askCode(msisdn)).status).toBe(202);

    const ip = '203.0.113.7';
    for (let i = 0; i < 20; i++) expect((await askCode(uniqueMsisdn(), ip)).status).toBe(202);
    const busy = await askCode(uniqueMsisdn(), ip);
    expect(busy.status).toBe(429);
    expect(busy.body.error.details).toEqual({ retryAfter: 3600 });
    expect((await askCode(uniqueMsisdn(), '203.0.113.8')).status).toBe(202);
    h.clock.advance(60 * MINUTE);
    expect((await askCode(uniqueMsisdn(), ip)).status).toBe(202);
  });

  it('keeps one account per number, adds its card once, and a session lasts 30 days', async () => {
    const card = await newCard(h, '2027-01-31');
    const first = await signIn(card.msisdn);
    h.clock.advance(MINUTE);
    const second = await signIn(card.msisdn);
    expect(await db().selectFrom('accounts').selectAll().execute()).toHaveLength(1);
    expect(await db().selectFrom('account_cards').selectAll().execute()).toHaveLength(1);
    expect((await me(first)).status).toBe(200);

    // Signing out ends that session only.
    await send('POST', '/v1/auth/logout', { cookie: first });
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    h.clock.advance(30 * 24 * 60 * MINUTE - 1000);
    expect((await me(second)).status).toBe(200);
    h.clock.advance(1000);
    const ended = await me(second);
    expect(ended.status).toBe(401);
    // The browser is told to forget a cookie that opens nothing.
    expect(setCookie(ended)).toMatch(/^simkeep_session=;/);
    expect(await h.services.signIn.prune()).toBeGreaterThan(0);
    expect(await db().selectFrom('account_sessions').selectAll().execute()).toEqual([]);
    expect(await db().selectFrom('sign_in_codes').selectAll().execute()).toEqual([]);
    expect(await db().selectFrom('sign_in_requests').selectAll().execute()).toEqual([]);

    for (const cookie of [undefined, 'simkeep_session=not-a-token', `simkeep_session=${'A'.repeat(43)}`]) {
      const refused = await send('GET', '/v1/me', cookie ? { cookie } : {});
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');
    }
  });

  it('gives another account’s session nothing of your cards', async () => {
    const mine = await newCard(h, '2027-01-31');
    const theirs = await newCard(h, '2027-03-31');
    const me1 = await signIn(mine.msisdn);
    const them = await signIn(theirs.msisdn);
    const myCard = await cardId(mine.msisdn);
    await renewOnline(h, mine, 'm1');

    for (const response of [
      await send('DELETE', `/v1/me/cards/${myCard}`, { cookie: them }),
      await send('PUT', `/v1/me/cards/${myCard}/contact`, { cookie: them, body: { channel: 'sms', optedOut: true } }),
      await send('DELETE', '/v1/me/cards/card_nope', { cookie: them }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('card_not_found');
    }
    expect((await send('GET', '/v1/me/orders', { cookie: them })).body).toEqual({ orders: [] });
    expect((await me(them)).body.cards.map((c: { id: string }) => c.id)).toEqual([await cardId(theirs.msisdn)]);
    expect((await me(me1)).body.cards).toEqual([expect.objectContaining({ id: myCard, contact: expect.objectContaining({ optedOut: false }) })]);
    expect(await db().selectFrom('card_contacts').selectAll().execute()).toEqual([]);
  });

  it('adds a card only with its number and serial, counting wrong pairs against the anti-probing limits', async () => {
    const card = await newCard(h, '2027-01-31');
    const cookie = await signIn(uniqueMsisdn());
    const wrongPair = await addCard(cookie, { msisdn: card.msisdn, iccid: uniqueIccid() });
    const unknown = await addCard(cookie, { msisdn: uniqueMsisdn(), iccid: card.iccid });
    expect(wrongPair.status).toBe(404);
    expect(wrongPair.body.error.code).toBe('card_not_found');
    expect(wrongPair.raw).toBe(unknown.raw);
    for (let i = 0; i < 4; i++) await addCard(cookie, { msisdn: card.msisdn, iccid: uniqueIccid() });
    const locked = await addCard(cookie, card);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect((await me(cookie)).body.cards).toEqual([]);

    const malformed = await send('POST', '/v1/me/cards', { cookie, body: { msisdn: card.msisdn, iccid: card.iccid, nickname: 'x' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toEqual({ fields: ['/nickname'] });
    const badContact = await send('PUT', `/v1/me/cards/${await cardId(card.msisdn)}/contact`, { cookie, body: { channel: 'email' } });
    expect(badContact.body.error).toMatchObject({ code: 'invalid_request', details: { fields: ['/email'] } });
  });

  it('refuses state changes from another site or with a body that is not JSON', async () => {
    const card = await newCard(h, '2027-01-31');
    const cookie = await signIn(card.msisdn);
    const id = await cardId(card.msisdn);
    const evil = { origin: 'https://evil.example' };
    const crossSite = [
      await send('POST', '/v1/auth/code', { body: { msisdn: card.msisdn }, headers: evil }),
      await send('POST', '/v1/auth/verify', { body: { msisdn: card.msisdn, code: '123456' }, headers: evil }),
      await send('POST', '/v1/auth/logout', { cookie, headers: evil }),
      await send('POST', '/v1/me/cards', { cookie, body: card, headers: evil }),
      await send('PUT', `/v1/me/cards/${id}/contact`, { cookie, body: { channel: 'sms', optedOut: true }, headers: evil }),
      await send('DELETE', `/v1/me/cards/${id}`, { cookie, headers: { origin: 'null' } }),
      await send('POST', '/v1/auth/code', { body: { msisdn: card.msisdn }, headers: { origin: 'https://renew.example.test.evil.example' } }),
    ];
    for (const response of crossSite) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    const form = (url: string, payload: string, type = 'application/x-www-form-urlencoded') =>
      h.request({ method: 'POST', url, headers: { cookie, 'content-type': type }, payload });
    for (const response of [
      await form('/v1/auth/code', `msisdn=${encodeURIComponent(card.msisdn)}`),
      await form('/v1/auth/verify', JSON.stringify({ msisdn: card.msisdn, code: '123456' }), 'text/plain'),
      await form('/v1/auth/logout', 'a=1'),
      await form('/v1/me/cards', `msisdn=${encodeURIComponent(card.msisdn)}&iccid=${card.iccid}`),
      await form('/v1/me/cards', 'x', 'multipart/form-data; boundary=x'),
    ]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.error.code).toBe('invalid_request');
    }
    // Nothing changed: the session, the card and the preferences are as they were.
    expect((await me(cookie)).body.cards).toEqual([expect.objectContaining({ id, contact: expect.objectContaining({ optedOut: false }) })]);
    expect(await db().selectFrom('sign_in_requests').selectAll().execute()).toHaveLength(1);

    // This server's own origin, by its public URL or by the host the request came to, is welcome.
    expect(
      (await send('PUT', `/v1/me/cards/${id}/contact`, { cookie, body: { channel: 'sms' }, headers: { origin: 'https://renew.example.test' } })).status,
    ).toBe(200);
    expect((await send('PUT', `/v1/me/cards/${id}/contact`, { cookie, body: { channel: 'sms' }, headers: { origin: 'http://localhost:80' } })).status).toBe(
      200,
    );
    // Reads change nothing and another site cannot read them (no CORS): no origin check.
    expect((await send('GET', '/v1/me', { cookie, headers: evil })).status).toBe(200);
  });

  it('starts over when the number has been issued again to a new card', async () => {
    // Recycled by today: 2026-01-01 + 30 grace days + 90 suspended days is long past.
    const old = await newCard(h, '2026-01-01');
    const travel = await newCard(h, '2027-01-31');
    const previous = await signIn(old.msisdn);
    expect((await addCard(previous, travel)).status).toBe(201);
    expect((await me(previous)).body.cards.map((c: { status: string }) => c.status)).toEqual(['recycled', 'active']);

    const reissued = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn: old.msisdn, iccid: uniqueIccid(), validUntil: '2027-06-30' });
    expect(reissued.status).toBe(201);
    h.clock.advance(MINUTE);
    const next = await signIn(old.msisdn);
    expect((await me(next)).body.cards).toEqual([expect.objectContaining({ id: await cardId(old.msisdn), msisdn: old.msisdn, validUntil: '2027-06-30' })]);
    expect((await me(previous)).status).toBe(401);
  });
});
