/**
 * Subscribers' contact choices in the database (`card_contacts`: how reminders reach a
 * card's subscriber, or that they opted out), and the live card a signed link opens.
 * Each function takes the Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { CardRow } from '../cards/card-repository.js';
import type { CardContactTable, Database } from '../db/schema.js';

export type ContactRow = CardContactTable;

/** A subscriber's choice of how reminders reach them, for a card proved one way or another. */
export interface ContactChoice {
  channel: ContactRow['channel'];
  email?: string | undefined;
  /** Omitted: the stored choice stays (zh-CN for a card without one). */
  locale?: ContactRow['locale'] | undefined;
  /** Omitted: the stored choice stays, so changing the language never opts anyone back in. */
  optedOut?: boolean | undefined;
}

/** A card without a row gets SMS in zh-CN, as the reminder dispatcher assumes. */
export const DEFAULT_CONTACT = { channel: 'sms', email: null, locale: 'zh-CN', opted_out: 0 } as const;

export function contactOf(db: Kysely<Database>, cardId: string): Promise<ContactRow | undefined> {
  return db.selectFrom('card_contacts').selectAll().where('card_id', '=', cardId).executeTakeFirst();
}

/**
 * Opts the card out: `row` becomes its contact when it has none; otherwise only a change is
 * written, so `updated_at` stays the moment of the first opt-out.
 */
export async function optOut(db: Kysely<Database>, row: ContactRow): Promise<void> {
  await db
    .insertInto('card_contacts')
    .values(row)
    .onConflict((oc) => oc.column('card_id').doUpdateSet({ opted_out: 1, updated_at: row.updated_at }).where('card_contacts.opted_out', '=', 0))
    .execute();
}

/**
 * Stores the choice for the card in one upsert and answers the stored row. The address is
 * what the choice sends (switching to SMS without one forgets the stored address);
 * language and opt-out keep their stored value when omitted.
 */
export function storeChoice(db: Kysely<Database>, cardId: string, change: ContactChoice, now: Date): Promise<ContactRow> {
  return db
    .insertInto('card_contacts')
    .values({
      card_id: cardId,
      channel: change.channel,
      email: change.email ?? null,
      locale: change.locale ?? DEFAULT_CONTACT.locale,
      opted_out: change.optedOut ? 1 : 0,
      updated_at: now.toISOString(),
    })
    .onConflict((oc) =>
      oc.column('card_id').doUpdateSet((eb) => ({
        channel: eb.ref('excluded.channel'),
        email: eb.ref('excluded.email'),
        updated_at: eb.ref('excluded.updated_at'),
        ...(change.locale === undefined ? {} : { locale: eb.ref('excluded.locale') }),
        ...(change.optedOut === undefined ? {} : { opted_out: eb.ref('excluded.opted_out') }),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The card with this id, unless its number has since been issued on a new card. */
export function liveCardById(db: Kysely<Database>, id: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('id', '=', id).where('retired_at', 'is', null).executeTakeFirst();
}
