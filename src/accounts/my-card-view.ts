/**
 * How one of an account's cards reads in "My cards": its status derived as everywhere else
 * (lifecycle.ts), the number in full (the account proved each card, by SMS or by its
 * serial, and renews them from here), the last 6 digits of the SIM serial, and how
 * reminders reach its subscriber. Pure: `today` is an argument.
 */
import { type CardStatus, cardStatus, daysLeft, expiringSoon } from '../cards/lifecycle.js';
import type { Operator } from '../catalog/model.js';
import type { CardContactTable, CardTable } from '../db/schema.js';
import { DEFAULT_CONTACT } from '../reminders/contact-repository.js';
import { type ContactView, contactView } from '../reminders/contact-service.js';

export type MyCardRow = Pick<CardTable, 'id' | 'operator_id' | 'msisdn' | 'iccid' | 'valid_until' | 'anchor_day' | 'blocked' | 'retired_at'> & {
  added_at: string;
  /** The card's contact row, all null when it has none. */
  channel: CardContactTable['channel'] | null;
  email: string | null;
  locale: CardContactTable['locale'] | null;
  opted_out: number | null;
};

export interface MyCard {
  id: string;
  msisdn: string;
  operator: string;
  operatorName: string;
  brandColor: string;
  status: CardStatus;
  validUntil: string;
  daysLeft: number;
  expiringSoon: boolean;
  renewable: boolean;
  iccidLast6: string;
  contact: ContactView;
}

export function myCardView(row: MyCardRow, operator: Operator, today: string): MyCard {
  // A card whose number was issued again on a new card is over, whatever its dates say.
  const status: CardStatus =
    row.retired_at === null ? cardStatus({ validUntil: row.valid_until, anchorDay: row.anchor_day, blocked: row.blocked === 1 }, today, operator) : 'recycled';
  const left = daysLeft(row.valid_until, today);
  const contact =
    row.channel === null || row.locale === null
      ? DEFAULT_CONTACT
      : { channel: row.channel, email: row.email, locale: row.locale, opted_out: row.opted_out ?? DEFAULT_CONTACT.opted_out };
  return {
    id: row.id,
    msisdn: row.msisdn,
    operator: operator.code,
    operatorName: operator.displayName,
    brandColor: operator.brandColor,
    status,
    validUntil: row.valid_until,
    daysLeft: left,
    expiringSoon: expiringSoon(status, left),
    renewable: status !== 'recycled' && status !== 'blocked',
    iccidLast6: row.iccid.slice(-6),
    contact: contactView(contact),
  };
}

/** The account's own number first, then in the order they were added. */
export function byOwnThenAdded(ownMsisdn: string) {
  return (a: MyCardRow, b: MyCardRow): number => {
    const own = Number(b.msisdn === ownMsisdn && b.retired_at === null) - Number(a.msisdn === ownMsisdn && a.retired_at === null);
    if (own !== 0) return own;
    return a.added_at < b.added_at ? -1 : a.added_at > b.added_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
