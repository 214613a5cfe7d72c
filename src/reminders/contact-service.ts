/**
 * What a subscriber does with a reminder: opens the card from its renewal link, opts out
 * with one tap, subscribes to the card's calendar feed, and chooses how reminders reach
 * them (SMS or email, language, opted out). A signed link proves the card by itself; every
 * other change needs the number and the SIM serial, through `RenewalService.findCard`, so
 * a wrong pair answers like an unknown number and counts against the anti-probing limits.
 */

import type { Kysely } from 'kysely';
import { instantIn } from '../cards/calendar.js';
import type { CardRow } from '../cards/card-repository.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { CardContactTable, Database } from '../db/schema.js';
import type { CardProof, RenewalService } from '../renewal/renewal-service.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { maskMsisdn } from '../shared/msisdn.js';
import { renderCalendar } from './calendar-feed.js';
import { type ContactChoice, contactOf, DEFAULT_CONTACT, liveCardById, optOut, storeChoice } from './contact-repository.js';
import type { RenewalLinker } from './renewal-links.js';

export type ContactChannel = CardContactTable['channel'];
export type ContactLocale = CardContactTable['locale'];

export interface ContactView {
  channel: ContactChannel;
  /** Masked: `l***@example.com`. */
  email: string | null;
  locale: ContactLocale;
  optedOut: boolean;
}

export interface ContactChange extends CardProof, ContactChoice {}

/** The longest address SMTP can carry (RFC 5321 path limit less the angle brackets). */
export const EMAIL_MAX_LENGTH = 254;
/**
 * A practical address check, not RFC 5322: a dot-atom local part of at most 64 characters,
 * and a domain of LDH labels ending in a letter TLD. Quoted local parts and raw IDN are
 * refused (punycode domains pass); what a mail gateway would choke on should fail here.
 */
export const EMAIL_PATTERN =
  "^(?!\\.)(?!.*\\.\\.)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\\.)@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$";
const email = new RegExp(EMAIL_PATTERN);

export function isEmailAddress(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && email.test(value);
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, 1)}***@${address.slice(at + 1)}`;
}

/** Whole days before expiry that the calendar alarm fires: the window `expiringSoon` uses. */
const ALARM_DAYS_BEFORE = 7;

const linkInvalid = () =>
  new DomainError('link_invalid', {
    'zh-CN': '该链接无效，请改用手机号码和SIM卡序列号查找您的卡。',
    en: 'This link is not valid. Look the card up with its number and SIM serial instead.',
  });

/** What the contact use cases work with (services.ts builds them once). */
export interface ContactServiceDeps {
  db: Db;
  catalog: Catalog;
  clock: Clock;
  config: Pick<Config, 'publicUrl'>;
  renewal: RenewalService;
  renewalLinks: RenewalLinker;
}

export class ContactService {
  constructor(private readonly services: ContactServiceDeps) {}

  /**
   * The card a renewal link opens: the number (the link went to it or its subscriber) and
   * the last 6 digits of the SIM serial, which the renewal routes accept as the proof. The
   * full serial stays out of a link that may be forwarded.
   */
  async openRenewalLink(token: string) {
    const { card, operator, expiresAt } = await this.renewalLinkCard(token);
    return {
      msisdn: card.msisdn,
      iccid: card.iccid.slice(-6),
      operator: operator.code,
      operatorName: operator.displayName,
      brandColor: operator.brandColor,
      expiresAt: instantIn(operator.timeZone, expiresAt),
    };
  }

  /** One-tap opt-out from a reminder; idempotent (a second tap changes nothing). */
  async optOutByLink(token: string): Promise<{ optedOut: true }> {
    const { card } = await this.renewalLinkCard(token);
    const updatedAt = this.services.clock.now().toISOString();
    await optOut(this.services.db.kysely, { card_id: card.id, ...DEFAULT_CONTACT, opted_out: 1, updated_at: updatedAt });
    return { optedOut: true };
  }

  /** The signed URL of the card's calendar feed, for a subscriber who proves the card. */
  async calendarUrl(proof: CardProof, ip: string): Promise<{ url: string }> {
    const { card } = await this.services.renewal.findCard(proof, ip);
    return { url: this.services.renewalLinks.calendarUrl(card.id) };
  }

  /** The card's expiry as iCalendar text: one all-day event on `validUntil`, an alarm a week before. */
  async calendarFeed(token: string): Promise<{ ics: string; filename: string }> {
    const check = this.services.renewalLinks.verifyCalendarToken(token);
    if (!check.ok) throw linkInvalid();
    const { card, operator } = await this.liveCard(check.cardId);
    const masked = maskMsisdn(card.msisdn);
    const renewalPage = `${this.services.config.publicUrl}/`;
    const ics = renderCalendar({
      name: `${operator.displayName} ${masked}`,
      now: this.services.clock.now(),
      alarmDaysBefore: ALARM_DAYS_BEFORE,
      events: [
        {
          // A renewal moves the date and so the UID: the old event leaves the feed, the new one enters.
          uid: `${card.id}-${card.valid_until}@simkeep`,
          date: card.valid_until,
          summary: `号码 ${masked} 到期 / Number ${masked} expires`,
          description: `${operator.displayName}：请在到期前续费，以保留号码。/ Renew before this day to keep the number: ${renewalPage}`,
          url: renewalPage,
        },
      ],
    });
    return { ics, filename: `${operator.code}-renewal.ics` };
  }

  async contact(proof: CardProof, ip: string): Promise<ContactView> {
    const { card } = await this.services.renewal.findCard(proof, ip);
    const row = await contactOf(this.services.db.kysely, card.id);
    return contactView(row ?? { ...DEFAULT_CONTACT });
  }

  /**
   * Stores the subscriber's choice in one upsert. The address is what this request sends
   * (switching to SMS without one forgets the stored address); language and opt-out keep
   * their stored value when omitted.
   */
  async updateContact(change: ContactChange, ip: string): Promise<ContactView> {
    // Input is checked before the card is: a malformed request is not a failed attempt.
    assertContactChange(change);
    const { card } = await this.services.renewal.findCard(change, ip);
    return storeContact(this.services.db.kysely, card.id, change, this.services.clock.now());
  }

  private async renewalLinkCard(token: string) {
    const check = this.services.renewalLinks.verify(token, this.services.clock.now());
    if (!check.ok) {
      if (check.reason === 'expired')
        throw new DomainError('link_expired', {
          'zh-CN': '该链接已过期，请改用手机号码和SIM卡序列号查找您的卡。',
          en: 'This link has expired. Look the card up with its number and SIM serial instead.',
        });
      throw linkInvalid();
    }
    return { ...(await this.liveCard(check.cardId)), expiresAt: check.expiresAt };
  }

  /** The card a link was signed for, unless its number has since been issued on a new card. */
  private async liveCard(cardId: string): Promise<{ card: CardRow; operator: Operator }> {
    const card = await liveCardById(this.services.db.kysely, cardId);
    const operator = card ? await this.services.catalog.operatorById(card.operator_id) : undefined;
    if (!card || !operator) throw linkInvalid();
    return { card, operator };
  }
}

/** Refuses a malformed choice with the field at fault (`invalid_request`); checked before the card is. */
export function assertContactChange(change: ContactChoice): void {
  if (change.email !== undefined && !isEmailAddress(change.email)) {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': '请输入有效的电子邮箱地址，例如 li@example.com。', en: 'email: not a valid email address (e.g. li@example.com).' },
      { fields: ['/email'] },
    );
  }
  if (change.channel === 'email' && change.email === undefined) {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': '通过电子邮件接收提醒，需要填写电子邮箱地址。', en: 'email: reminders by email need an email address.' },
      { fields: ['/email'] },
    );
  }
}

/** Stores the subscriber's choice for the card (`storeChoice`) and answers it as they see it. */
export async function storeContact(db: Kysely<Database>, cardId: string, change: ContactChoice, now: Date): Promise<ContactView> {
  return contactView(await storeChoice(db, cardId, change, now));
}

export function contactView(row: Pick<CardContactTable, 'channel' | 'email' | 'locale' | 'opted_out'>): ContactView {
  return { channel: row.channel, email: row.email === null ? null : maskEmail(row.email), locale: row.locale, optedOut: row.opted_out === 1 };
}
