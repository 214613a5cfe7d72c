/**
 * Anti-probing against both of its adversaries. A guesser must not walk an ICCID's space,
 * however many sources it rotates through; a stranger must not lock the owner out of
 * renewing by failing on purpose. Failures count per (number, source), per source (an
 * IPv4 address, an IPv6 /64) and per number, and the number as a whole locks only the
 * short proof (the last 6 digits). Behind a proxy, the source is the address the trusted
 * proxy saw, never one the client wrote into X-Forwarded-For.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { sourceOf } from '../../src/guard/probe-guard.js';
import { luhnCheckDigit } from '../../src/shared/iccid.js';
import { DIALECTS } from '../support/databases.js';
import { DEFAULT_NOW, type Harness, newCard, newOperator, newPlan, startHarness, uniqueMsisdn } from '../support/harness.js';

type Card = { msisdn: string; iccid: string };
type Reply = Awaited<ReturnType<Harness['request']>>;

/** Another valid 20-digit serial than the card's (right shape and check digit, wrong SIM). */
const otherSerial = (card: Card, n: number): string => {
  const payload = `${card.iccid.slice(0, 12)}${String(n).padStart(7, '0')}`;
  const serial = `${payload}${luhnCheckDigit(payload)}`;
  return serial === card.iccid ? otherSerial(card, n + 1) : serial;
};
const short = (card: Card) => ({ msisdn: card.msisdn, iccid: card.iccid.slice(-6) });
const codeOf = (reply: Reply) => ({ status: reply.status, code: reply.body.error?.code });
const LOCKED = { status: 429, code: 'too_many_attempts' };
const NOT_FOUND = { status: 404, code: 'card_not_found' };

describe.each(DIALECTS)('anti-probing on %s', (dialect) => {
  let h: Harness;
  const lookup = (card: Card, remoteAddress: string, headers: Record<string, string> = {}) =>
    h.request({ method: 'POST', url: '/v1/cards/lookup', remoteAddress, headers, payload: { msisdn: card.msisdn, iccid: card.iccid } });

  beforeAll(async () => {
    h = await startHarness(dialect, { SIMKEEP_TRUST_PROXY: '1' });
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterEach(() => h.clock.set(DEFAULT_NOW));
  afterAll(() => h?.close());

  it('a stranger failing on purpose does not lock the owner out of their number', async () => {
    const card = await newCard(h, '2027-01-31');
    for (let i = 0; i < 5; i++) expect(codeOf(await lookup({ msisdn: card.msisdn, iccid: otherSerial(card, i) }, '198.51.100.1'))).toEqual(NOT_FOUND);
    // The stranger is locked out of this number, even with the right serial.
    expect(codeOf(await lookup(card, '198.51.100.1'))).toEqual(LOCKED);
    // The owner, from anywhere else, still opens it with the whole serial...
    expect((await lookup(card, '203.0.113.9')).status).toBe(200);
    expect((await lookup(card, '203.0.113.10')).status).toBe(200);
    // ...while the short proof, the one worth guessing, is locked for everyone.
    expect(codeOf(await lookup(short(card), '203.0.113.9'))).toEqual(LOCKED);
  });

  it('rotating sources does not buy more guesses at the last 6 digits', async () => {
    const card = await newCard(h, '2027-01-31');
    const wrong = (n: number) => ({ msisdn: card.msisdn, iccid: String((Number(card.iccid.slice(-6)) + 1 + n) % 1_000_000).padStart(6, '0') });
    for (let i = 0; i < 5; i++) expect(codeOf(await lookup(wrong(i), `192.0.2.${i + 1}`))).toEqual(NOT_FOUND);
    // A sixth source, never seen before, gets no sixth guess at the short proof, not even the right one.
    expect(codeOf(await lookup(wrong(5), '192.0.2.6'))).toEqual(LOCKED);
    expect(codeOf(await lookup(short(card), '192.0.2.7'))).toEqual(LOCKED);
    // Whole serials from fresh sources are not locked: each source has 5 tries at a space of billions.
    expect((await lookup(card, '192.0.2.8')).status).toBe(200);
  });

  it('one source gets 5 tries at a number and 30 in all, and an IPv6 /64 is one source', async () => {
    const card = await newCard(h, '2027-01-31');
    for (let i = 0; i < 5; i++) await lookup({ msisdn: card.msisdn, iccid: otherSerial(card, i) }, `2001:db8:5:7::${i + 1}`);
    // Another address of the same /64 is the same source.
    expect(codeOf(await lookup(card, '2001:db8:5:7:ffff::1'))).toEqual(LOCKED);
    expect((await lookup(card, '2001:db8:5:8::1')).status).toBe(200);

    const ip = '198.51.100.30';
    const other = await newCard(h, '2027-01-31');
    for (let i = 0; i < 30; i++) expect(codeOf(await lookup({ msisdn: uniqueMsisdn(), iccid: other.iccid }, ip))).toEqual(NOT_FOUND);
    expect(codeOf(await lookup(other, ip))).toEqual(LOCKED);
  });

  it('behind one trusted proxy, a forged leftmost X-Forwarded-For does not change the source', async () => {
    const card = await newCard(h, '2027-01-31');
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const reply = await lookup({ msisdn: uniqueMsisdn(), iccid: card.iccid }, '127.0.0.1', { 'x-forwarded-for': `10.0.0.${i}, 198.51.100.7` });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    // The proxy's own view: a different client behind it is not locked.
    expect((await lookup(card, '127.0.0.1', { 'x-forwarded-for': '10.0.0.1, 198.51.100.8' })).status).toBe(200);
  });
});

describe('sources and the proxy setting', () => {
  it('counts an IPv6 address by its /64 and an IPv4 one as it is', () => {
    expect(sourceOf('2001:db8:5:7::1')).toBe('2001:db8:5:7::/64');
    expect(sourceOf('2001:0db8:0005:0007:ffff:0:0:1')).toBe('2001:db8:5:7::/64');
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(sourceOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceOf('192.0.2.1')).toBe('192.0.2.1');
  });

  it('takes a hop count or addresses, and refuses true with what to write instead', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ SIMKEEP_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ SIMKEEP_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback']);
    expect(() => loadConfig({ SIMKEEP_TRUST_PROXY: 'true' })).toThrow(/number of proxies in front of simkeep \(e\.g\. 1/);
    expect(() => loadConfig({ SIMKEEP_TRUST_PROXY: 'nginx' })).toThrow(/"nginx" is not an address or CIDR range/);
  });
});
