/**
 * The subscriber's reminder routes over HTTP on both databases: a renewal link opens its
 * card until it expires or the number is re-issued, one tap opts out, the calendar feed
 * parses with an independent implementation, and contact preferences change how the next
 * reminder is sent, behind the same number-and-SIM proof and anti-probing as a lookup.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/cards/calendar.js';
import { isEmailAddress, maskEmail } from '../../src/reminders/contact-service.js';
import { maskMsisdn } from '../../src/shared/msisdn.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, renewOnline, SANDBOX_ON, startHarness, uniqueIccid, uniqueMsisdn } from '../support/harness.js';

// DEFAULT_NOW is 2026-11-24T04:00Z: 12:00 in Asia/Shanghai, outside quiet hours.
const TODAY = '2026-11-24';
const DAY_MS = 24 * 60 * 60_000;
/** 254 characters, each label at most 63: the longest address accepted; one more is refused. */
const LONGEST_EMAIL = `${'l'.repeat(10)}@${'e'.repeat(63)}.${'e'.repeat(63)}.${'e'.repeat(63)}.${'e'.repeat(47)}.com`;
const TOO_LONG_EMAIL = `l${LONGEST_EMAIL}`;

describe.each(DIALECTS)('subscriber reminder routes on %s', (dialect) => {
  let h: Harness;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-subscriber-'));
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_DATA_DIR: dataDir });
    await newOperator(h, { displayName: 'Demo Mobile', brandColor: '#c8102e' });
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });

  afterEach(async () => {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const cardId = async (msisdn: string) =>
    (await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', msisdn).where('retired_at', 'is', null).executeTakeFirstOrThrow()).id;
  const contacts = () => h.services.db.kysely.selectFrom('card_contacts').selectAll().execute();
  /** Failed attempts recorded against numbers (each is also recorded against the IP). */
  const probeFailures = async () => (await h.services.db.kysely.selectFrom('probe_failures').selectAll().where('subject', 'like', 'msisdn:%').execute()).length;
  const sent = (channel: 'sms' | 'email') => {
    const file = path.join(dataDir, 'outbox', `${channel}.jsonl`);
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { to: string; subject?: string; text: string });
  };

  /** The token of a renewal link as a reminder carries it, valid for 14 days from now. */
  async function renewalToken(msisdn: string, days = 14) {
    const url = h.services.renewalLinks.url(await cardId(msisdn), new Date(h.clock.now().getTime() + days * DAY_MS));
    return url.slice(url.indexOf('/renew/') + '/renew/'.length);
  }
  const openLink = (token: string) => h.request({ method: 'GET', url: `/v1/renewal-links/${token}` });
  const optOut = (token: string) => h.request({ method: 'POST', url: `/v1/renewal-links/${token}/opt-out` });
  const putContact = (payload: Record<string, unknown>) => h.request({ method: 'PUT', url: '/v1/cards/contact', payload });
  const lookupContact = (card: { msisdn: string; iccid: string }) =>
    h.request({ method: 'POST', url: '/v1/cards/contact/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
  const calendarUrl = (card: { msisdn: string; iccid: string }) =>
    h.request({ method: 'POST', url: '/v1/cards/calendar', payload: { msisdn: card.msisdn, iccid: card.iccid } });
  const calendarPath = (url: string) => url.replace('https://renew.example.test', '');
  /** The token with its last signature digit changed. */
  const flip = (token: string) => `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;

  it('opens the card from a renewal link (only the last 6 digits of the serial), without caching or referrer', async () => {
    const card = await newCard(h, '2027-01-31');
    const opened = await openLink(await renewalToken(card.msisdn));
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({
      msisdn: card.msisdn,
      iccid: card.iccid.slice(-6),
      operator: 'demo',
      operatorName: 'Demo Mobile',
      brandColor: '#c8102e',
      expiresAt: '2026-12-08T12:00:00+08:00',
    });
    expect(opened.headers['cache-control']).toBe('no-store');
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
    // What the link gives is enough to look the card up.
    const lookup = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: opened.body.msisdn, iccid: opened.body.iccid } });
    expect(lookup.status).toBe(200);
  });

  it('answers 404 link_invalid to a tampered or foreign token, and 410 link_expired once it expires', async () => {
    const card = await newCard(h, '2027-01-31');
    const other = await newCard(h, '2027-01-31');
    const token = await renewalToken(card.msisdn);
    const [id, expiry, signature] = token.split('.') as [string, string, string];
    const calendarToken = h.services.renewalLinks.calendarToken(await cardId(card.msisdn));
    const mangled = [
      flip(token),
      `${await cardId(other.msisdn)}.${expiry}.${signature}`,
      `${id}.${expiry}0.${signature}`,
      calendarToken,
      `${token}%E3%80%82`,
      'abc',
    ];
    for (const bad of mangled) {
      const refused = await openLink(bad);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe('link_invalid');
      expect(refused.headers['cache-control']).toBe('no-store');
    }

    h.clock.advance(14 * DAY_MS - 1000);
    expect((await openLink(token)).status).toBe(200);
    h.clock.advance(1000);
    const expired = await openLink(token);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('link_expired');
    // An expired link no longer opts out either, and writes nothing.
    expect((await optOut(token)).body.error.code).toBe('link_expired');
    expect(await contacts()).toEqual([]);
  });

  it('answers 404 link_invalid for a card whose number has since been issued again', async () => {
    // Recycled by today: 2026-01-01 + 30 grace days + 90 suspended days is long past.
    const old = await newCard(h, '2026-01-01');
    const token = await renewalToken(old.msisdn);
    const calendar = h.services.renewalLinks.calendarUrl(await cardId(old.msisdn));
    expect((await openLink(token)).status).toBe(200);
    const reissued = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn: old.msisdn, iccid: uniqueIccid(), validUntil: '2027-06-30' });
    expect(reissued.status).toBe(201);
    for (const answer of [await openLink(token), await optOut(token), await h.request({ method: 'GET', url: calendarPath(calendar) })]) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('link_invalid');
    }
    expect(await contacts()).toEqual([]);
  });

  it('serves the card expiry as a calendar feed with a 7-day alarm, from a URL the subscriber asks for with proof', async () => {
    const card = await newCard(h, '2027-01-31');
    const asked = await calendarUrl(card);
    expect(asked.status).toBe(200);
    expect(asked.body.url).toBe(h.services.renewalLinks.calendarUrl(await cardId(card.msisdn)));
    expect(asked.body.url).toMatch(/^https:\/\/renew\.example\.test\/v1\/calendar\/[A-Za-z0-9_]+\.[0-9a-f]{32}\.ics$/);

    const feed = await h.request({ method: 'GET', url: calendarPath(asked.body.url) });
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(feed.headers['cache-control']).toBe('no-store');
    const events = new ICAL.Component(ICAL.parse(feed.raw)).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    const [event] = events;
    const start = event?.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.isDate).toBe(true);
    expect(start.toString()).toBe('2027-01-31');
    expect(String(event?.getFirstPropertyValue('dtend'))).toBe('2027-02-01');
    const masked = maskMsisdn(card.msisdn);
    expect(event?.getFirstPropertyValue('summary')).toBe(`号码 ${masked} 到期 / Number ${masked} expires`);
    expect(event?.getFirstPropertyValue('url')).toBe('https://renew.example.test/');
    expect(feed.raw).not.toContain(card.msisdn);
    const trigger = event?.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger') as ICAL.Duration;
    expect(trigger.toString()).toBe('-P7D');

    // The same card and date keep their UID, so a subscribed calendar updates in place; a renewal moves both.
    const uid = event?.getFirstPropertyValue('uid');
    h.clock.advance(DAY_MS);
    const again = new ICAL.Component(ICAL.parse((await h.request({ method: 'GET', url: calendarPath(asked.body.url) })).raw));
    expect(again.getFirstSubcomponent('vevent')?.getFirstPropertyValue('uid')).toBe(uid);
    await renewOnline(h, card, 'm1');
    const renewed = new ICAL.Component(ICAL.parse((await h.request({ method: 'GET', url: calendarPath(asked.body.url) })).raw)).getFirstSubcomponent('vevent');
    expect(String(renewed?.getFirstPropertyValue('dtstart'))).toBe('2027-02-28');
    expect(renewed?.getFirstPropertyValue('uid')).not.toBe(uid);

    const calendarToken = h.services.renewalLinks.calendarToken(await cardId(card.msisdn));
    const tampered = await h.request({ method: 'GET', url: `/v1/calendar/${flip(calendarToken)}.ics` });
    expect(tampered.status).toBe(404);
    expect(tampered.body.error.code).toBe('link_invalid');
    // A renewal link's token is not a calendar token.
    expect((await h.request({ method: 'GET', url: `/v1/calendar/${await renewalToken(card.msisdn)}.ics` })).body.error.code).toBe('link_invalid');
  });

  it('stores the contact choice, answers it masked, and the next reminder goes by email', async () => {
    const card = await newCard(h, addDays(TODAY, 7));
    expect((await lookupContact(card)).body).toEqual({ channel: 'sms', email: null, locale: 'zh-CN', optedOut: false });

    const saved = await putContact({ msisdn: card.msisdn, iccid: card.iccid.slice(-6), channel: 'email', email: 'li.wei@example.com', locale: 'en' });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ channel: 'email', email: 'l***@example.com', locale: 'en', optedOut: false });
    expect(saved.raw).not.toContain('li.wei');
    expect((await lookupContact(card)).body).toEqual(saved.body);
    expect(await contacts()).toEqual([expect.objectContaining({ channel: 'email', email: 'li.wei@example.com', locale: 'en', opted_out: 0 })]);

    expect(await h.services.reminders.sweep()).toBe(1);
    expect(await h.services.dispatcher.drain()).toMatchObject({ sent: 1 });
    expect(sent('sms')).toEqual([]);
    expect(sent('email')).toEqual([
      expect.objectContaining({ to: 'li.wei@example.com', subject: `7 days left: renew your number ${maskMsisdn(card.msisdn)}` }),
    ]);
  });

  it('keeps the language and the opt-out when a change omits them, and forgets the address when back to SMS', async () => {
    const card = await newCard(h, '2027-01-31');
    const proof = { msisdn: card.msisdn, iccid: card.iccid };
    await putContact({ ...proof, channel: 'email', email: 'li@example.com', locale: 'en', optedOut: true });
    const changed = await putContact({ ...proof, channel: 'sms' });
    expect(changed.body).toEqual({ channel: 'sms', email: null, locale: 'en', optedOut: true });
    expect((await putContact({ ...proof, channel: 'sms', optedOut: false, locale: 'zh-CN' })).body).toEqual({
      channel: 'sms',
      email: null,
      locale: 'zh-CN',
      optedOut: false,
    });
    expect(await contacts()).toHaveLength(1);
  });

  it('refuses a malformed contact change with the fields at fault, before looking at the card', async () => {
    const card = await newCard(h, '2027-01-31');
    const proof = { msisdn: card.msisdn, iccid: card.iccid };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ ...proof, channel: 'email' }, ['/email']],
      [{ ...proof, channel: 'email', email: 'li@example' }, ['/email']],
      [{ ...proof, channel: 'email', email: 'li wei@example.com' }, ['/email']],
      [{ ...proof, channel: 'email', email: TOO_LONG_EMAIL }, ['/email']],
      [{ ...proof, channel: 'sms', email: 'not-an-address' }, ['/email']],
      [{ ...proof, channel: 'fax' }, ['/channel']],
      [{ ...proof, channel: 'sms', locale: 'fr' }, ['/locale']],
      [{ ...proof, channel: 'sms', optedOut: 'yes' }, ['/optedOut']],
      [{ ...proof, channel: 'sms', nickname: 'Li' }, ['/nickname']],
      // A wrong ICCID with bad input is bad input: it does not count as a probe.
      [{ msisdn: card.msisdn, iccid: uniqueIccid(), channel: 'email' }, ['/email']],
    ];
    for (const [payload, fields] of cases) {
      const refused = await putContact(payload);
      expect(refused.status, JSON.stringify(payload)).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', details: { fields } });
    }
    expect((await h.request({ method: 'POST', url: '/v1/cards/calendar', payload: { ...proof, extra: 1 } })).status).toBe(400);
    expect((await h.request({ method: 'POST', url: '/v1/cards/contact/lookup', payload: { ...proof, extra: 1 } })).status).toBe(400);
    expect(await contacts()).toEqual([]);
    expect(await probeFailures()).toBe(0);
  });

  it('answers a wrong ICCID exactly like an unknown number, counts it, and locks the number out after 5', async () => {
    const card = await newCard(h, '2027-01-31');
    const wrong = { msisdn: card.msisdn, iccid: uniqueIccid() };
    const unknown = { msisdn: uniqueMsisdn(), iccid: card.iccid };
    const requests = [
      (proof: { msisdn: string; iccid: string }) => putContact({ ...proof, channel: 'email', email: 'li@example.com' }),
      lookupContact,
      calendarUrl,
    ];
    for (const send of requests) {
      const [a, b] = [await send(wrong), await send(unknown)];
      expect(a.status).toBe(404);
      expect(a.body).toEqual({ error: { code: 'card_not_found', message: expect.any(String) } });
      expect(a.raw).toBe(b.raw);
    }
    expect(await probeFailures()).toBe(6);
    expect(await contacts()).toEqual([]);

    await lookupContact(wrong);
    await lookupContact(wrong);
    const locked = await lookupContact(card);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
  });

  it('stops reminders with one tap on the link, idempotently, and keeps them stopped', async () => {
    const today = await newCard(h, addDays(TODAY, 7));
    const tomorrow = await newCard(h, addDays(TODAY, 31)); // its 30-day reminder is due tomorrow
    await h.services.reminders.sweep();
    await h.services.dispatcher.drain();
    expect(sent('sms').map((m) => m.to)).toEqual([today.msisdn]);

    const token = await renewalToken(tomorrow.msisdn);
    for (let tap = 0; tap < 2; tap++) {
      const answer = await optOut(token);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ optedOut: true });
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      h.clock.advance(60_000);
    }
    // The second tap changed nothing, not even the time of the change.
    expect(await contacts()).toEqual([
      expect.objectContaining({ channel: 'sms', email: null, locale: 'zh-CN', opted_out: 1, updated_at: '2026-11-24T04:00:00.000Z' }),
    ]);
    expect((await lookupContact(tomorrow)).body).toEqual({ channel: 'sms', email: null, locale: 'zh-CN', optedOut: true });
    // Changing the language does not opt back in.
    expect((await putContact({ msisdn: tomorrow.msisdn, iccid: tomorrow.iccid, channel: 'sms', locale: 'en' })).body.optedOut).toBe(true);

    h.clock.advance(DAY_MS);
    expect(await h.services.reminders.sweep()).toBe(0);
    await h.services.dispatcher.drain();
    expect(sent('sms').map((m) => m.to)).toEqual([today.msisdn]);

    const tampered = await optOut(flip(token));
    expect(tampered.status).toBe(404);
    expect(tampered.body.error.code).toBe('link_invalid');
  });
});

describe('email addresses', () => {
  it('accepts ordinary addresses and refuses what a mail gateway would not take', () => {
    for (const ok of ['li@example.com', 'li.wei+sim@mail.example.com.cn', 'a@xn--fiqs8s.cn', `${'l'.repeat(64)}@example.com`, LONGEST_EMAIL]) {
      expect(isEmailAddress(ok), ok).toBe(true);
    }
    for (const bad of [
      'li@example',
      '@example.com',
      'li@',
      'li@@example.com',
      '.li@example.com',
      'li.@example.com',
      'li..wei@example.com',
      'li@-example.com',
      'li@example.c',
      'li@example.com.',
      '李@example.com',
      'li@example.com\n',
      `${'l'.repeat(65)}@example.com`,
      `${'l'.repeat(10)}@${'e'.repeat(64)}.com`,
      TOO_LONG_EMAIL,
    ]) {
      expect(isEmailAddress(bad), bad).toBe(false);
    }
  });

  it('masks to the first letter and the domain', () => {
    expect(maskEmail('li.wei@example.com')).toBe('l***@example.com');
  });
});
