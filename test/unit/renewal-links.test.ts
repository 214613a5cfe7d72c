import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenewalLinker } from '../../src/reminders/renewal-links.js';

const key = Buffer.from('test-signing-key-0123456789abcdef');
const linker = new RenewalLinker(key, 'https://renew.example.test');
const cardId = 'card_01JABCDEF0123456789XYZ';
const expiresAt = new Date('2026-12-01T16:00:00Z');
const before = new Date('2026-11-24T08:00:00Z');

/** Replaces one character of a token part with another from the same alphabet. */
function flip(part: string, index: number, alphabet: string): string {
  const current = part[index] ?? '';
  const other = alphabet[(alphabet.indexOf(current) + 1) % alphabet.length] ?? '';
  return part.slice(0, index) + other + part.slice(index + 1);
}

function parts(token: string): [string, string, string] {
  const [card = '', expiry = '', signature = ''] = token.split('.');
  return [card, expiry, signature];
}

describe('renewal links', () => {
  it('round-trips a card id and expiry', () => {
    const token = linker.token(cardId, expiresAt);
    expect(token).toMatch(/^[A-Za-z0-9_.]+$/);
    expect(linker.verify(token, before)).toEqual({ ok: true, cardId, expiresAt });
  });

  it('builds the URL from the public URL', () => {
    const token = linker.token(cardId, expiresAt);
    expect(linker.url(cardId, expiresAt)).toBe(`https://renew.example.test/renew/${token}`);
    expect(new RenewalLinker(key, 'https://renew.example.test/').url(cardId, expiresAt)).toBe(`https://renew.example.test/renew/${token}`);
  });

  it('keeps the expiry to the second', () => {
    const token = linker.token(cardId, new Date('2026-12-01T16:00:00.999Z'));
    expect(linker.verify(token, before)).toEqual({ ok: true, cardId, expiresAt });
  });

  it('is expired from the expiry instant on, and only then', () => {
    const token = linker.token(cardId, expiresAt);
    expect(linker.verify(token, new Date(expiresAt.getTime() - 1)).ok).toBe(true);
    expect(linker.verify(token, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(linker.verify(token, new Date('2027-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a token whose card id, expiry or signature was changed', () => {
    const [card, expiry, signature] = parts(linker.token(cardId, expiresAt));
    const later = parts(linker.token(cardId, new Date('2030-01-01T00:00:00Z')))[1];
    const other = parts(linker.token('card_01JOTHER', expiresAt))[0];
    const tampered = [
      `${other}.${expiry}.${signature}`,
      `${flip(card, card.length - 1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}.${expiry}.${signature}`,
      `${card}.${later}.${signature}`,
      `${card}.0${expiry}.${signature}`,
      `${card}.${expiry}.${flip(signature, 0, '0123456789abcdef')}`,
      `${card}.${expiry}.${flip(signature, 31, '0123456789abcdef')}`,
      `${card}.${expiry}.${signature.toUpperCase()}`,
      `${card}.${expiry}.${signature}0`,
      `${card}.${expiry}.${signature.slice(0, 31)}`,
    ];
    for (const token of tampered) expect(linker.verify(token, before), token).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects a token signed with another key', () => {
    const token = new RenewalLinker(Buffer.from('another-key'), 'https://renew.example.test').token(cardId, expiresAt);
    expect(linker.verify(token, before)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects malformed tokens without throwing', () => {
    const malformed = ['', '.', '..', '...', cardId, `${cardId}..`, `${cardId}.zz`, `${cardId}.-1.${'0'.repeat(32)}`, `${cardId}.1e9.${'0'.repeat(32)}`];
    malformed.push(`${cardId}.${'z'.repeat(9)}.${'0'.repeat(32)}`, `${'a'.repeat(100_000)}.1.${'0'.repeat(32)}`, `card-01.1.${'0'.repeat(32)}`);
    for (const token of malformed) expect(linker.verify(token, before), token.slice(0, 50)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses to sign a card id outside the token charset', () => {
    expect(() => linker.token('card.01', expiresAt)).toThrow(RangeError);
    expect(() => linker.token('', expiresAt)).toThrow(RangeError);
    expect(() => linker.calendarToken('card/01')).toThrow(RangeError);
    expect(() => linker.token(cardId, new Date(Number.NaN))).toThrow(RangeError);
  });

  it('never throws on arbitrary input, and accepts only what it signed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_]{1,20}\.[0-9a-z]{1,9}\.[0-9a-f]{32}$/)), (token) => {
        expect(linker.verify(token, before)).toEqual({ ok: false, reason: 'invalid' });
        expect(linker.verifyCalendarToken(token)).toEqual({ ok: false, reason: 'invalid' });
      }),
    );
  });

  it('round-trips any card id and any expiry in the future', () => {
    const cardIdArb = fc.stringMatching(/^[A-Za-z0-9_]{1,64}$/);
    const secondsArb = fc.integer({ min: 0, max: 8_640_000_000_000 });
    fc.assert(
      fc.property(cardIdArb, secondsArb, (id, seconds) => {
        const at = new Date(seconds * 1000);
        expect(linker.verify(linker.token(id, at), new Date(-1))).toEqual({ ok: true, cardId: id, expiresAt: at });
        expect(linker.verifyCalendarToken(linker.calendarToken(id))).toEqual({ ok: true, cardId: id });
      }),
    );
  });
});

describe('calendar links', () => {
  it('round-trips a card id and builds the feed URL', () => {
    const token = linker.calendarToken(cardId);
    expect(linker.verifyCalendarToken(token)).toEqual({ ok: true, cardId });
    expect(linker.calendarUrl(cardId)).toBe(`https://renew.example.test/v1/calendar/${token}.ics`);
  });

  it('rejects a changed card id or signature', () => {
    const [card, signature] = linker.calendarToken(cardId).split('.') as [string, string];
    expect(linker.verifyCalendarToken(`card_01JOTHER.${signature}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(linker.verifyCalendarToken(`${card}.${flip(signature, 5, '0123456789abcdef')}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(linker.verifyCalendarToken(`${card}.${signature}.ics`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('is not a renewal token, and a renewal token is not a calendar token', () => {
    const calendar = linker.calendarToken(cardId);
    const renewal = linker.token(cardId, expiresAt);
    expect(linker.verify(calendar, before)).toEqual({ ok: false, reason: 'invalid' });
    expect(linker.verifyCalendarToken(renewal)).toEqual({ ok: false, reason: 'invalid' });
    // Reshaped into the other kind's layout, a signature still does not carry over.
    const [card, expiry, renewalSignature] = parts(renewal);
    const calendarSignature = calendar.split('.')[1];
    expect(linker.verifyCalendarToken(`${card}.${renewalSignature}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(linker.verify(`${card}.${expiry}.${calendarSignature}`, before)).toEqual({ ok: false, reason: 'invalid' });
  });
});
