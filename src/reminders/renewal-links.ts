/**
 * Signed links for reminder messages: an expiring "one tap to renew" link, and a
 * non-expiring link to the card's calendar feed. A renewal token reads
 * `<cardId>.<expiry in seconds, base 36>.<signature>`, a calendar token `<cardId>.<signature>`.
 * Each kind signs under its own purpose prefix, so one is never accepted as the other, and
 * the signature covers the payload exactly as written, so each card and expiry has one token.
 * Verifying never throws: whatever a stranger types into the URL is just `invalid`.
 */
import { hmacHex, safeEqual } from '../platform/secrets.js';

export type RenewalLinkCheck = { ok: true; cardId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };
export type CalendarLinkCheck = { ok: true; cardId: string } | { ok: false; reason: 'invalid' };

/** Card ids are `card_01J…`; the charset keeps `.` free as the separator and the URL clean. */
const CARD_ID = /^[A-Za-z0-9_]{1,64}$/;
const EXPIRY = /^[0-9a-z]{1,9}$/;
const SIGNATURE = /^[0-9a-f]{32}$/;
/** Far above any real token: longer input is rejected before it is split or hashed. */
const MAX_TOKEN_LENGTH = 128;
/** The latest instant a `Date` can hold, in seconds. */
const MAX_EXPIRY_SECONDS = 8_640_000_000_000;

const INVALID = { ok: false, reason: 'invalid' } as const;

export class RenewalLinker {
  private readonly publicUrl: string;

  constructor(
    private readonly key: Buffer,
    publicUrl: string,
  ) {
    this.publicUrl = publicUrl.replace(/\/+$/, '');
  }

  /** The renewal token for a card, valid strictly before `expiresAt` (kept to the second, rounded down). */
  token(cardId: string, expiresAt: Date): string {
    assertCardId(cardId);
    const seconds = Math.floor(expiresAt.getTime() / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`Cannot sign a renewal link expiring at ${String(expiresAt)}`);
    const payload = `${cardId}.${seconds.toString(36)}`;
    return `${payload}.${this.sign('renew', payload)}`;
  }

  url(cardId: string, expiresAt: Date): string {
    return `${this.publicUrl}/renew/${this.token(cardId, expiresAt)}`;
  }

  verify(token: string, now: Date): RenewalLinkCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return INVALID;
    const parts = token.split('.');
    if (parts.length !== 3) return INVALID;
    const [cardId = '', expiry = '', signature = ''] = parts;
    if (!CARD_ID.test(cardId) || !EXPIRY.test(expiry) || !SIGNATURE.test(signature)) return INVALID;
    if (!safeEqual(this.sign('renew', `${cardId}.${expiry}`), signature)) return INVALID;
    const seconds = Number.parseInt(expiry, 36);
    if (seconds > MAX_EXPIRY_SECONDS) return INVALID;
    const expiresAt = new Date(seconds * 1000);
    if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, cardId, expiresAt };
  }

  /** The calendar feed token: it does not expire, a subscribed calendar refreshes it for years. */
  calendarToken(cardId: string): string {
    assertCardId(cardId);
    return `${cardId}.${this.sign('calendar', cardId)}`;
  }

  calendarUrl(cardId: string): string {
    return `${this.publicUrl}/v1/calendar/${this.calendarToken(cardId)}.ics`;
  }

  /** Takes the token without the `.ics` suffix of the URL. */
  verifyCalendarToken(token: string): CalendarLinkCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return INVALID;
    const parts = token.split('.');
    if (parts.length !== 2) return INVALID;
    const [cardId = '', signature = ''] = parts;
    if (!CARD_ID.test(cardId) || !SIGNATURE.test(signature)) return INVALID;
    if (!safeEqual(this.sign('calendar', cardId), signature)) return INVALID;
    return { ok: true, cardId };
  }

  /** 128 bits of HMAC-SHA256, as receipt links do: plenty against guessing, and short in an SMS. */
  private sign(purpose: 'renew' | 'calendar', payload: string): string {
    return hmacHex(this.key, `${purpose}:${payload}`).slice(0, 32);
  }
}

function assertCardId(cardId: string): void {
  // A card id outside the charset would make the token ambiguous; it is a bug upstream.
  if (!CARD_ID.test(cardId)) throw new RangeError(`Cannot sign a link for card id ${JSON.stringify(cardId)}`);
}
