/**
 * Subscriber accounts (issue #3): one account per phone number, signed in with a one-time
 * code sent by SMS. Codes and session tokens are stored only as hashes.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('msisdn', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // The cards an account has proved: its own number's card, and those added by ICCID.
  await db.schema
    .createTable('account_cards')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_cards_pk', ['account_id', 'card_id'])
    .execute();
  await db.schema.createIndex('account_cards_card').on('account_cards').column('card_id').execute();

  // At most one code per number: a new one replaces the previous. `code_hash` is an HMAC of
  // the number and the code under a server key; the lock outlives the code it was earned on.
  await db.schema
    .createTable('sign_in_codes')
    .addColumn('msisdn', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('wrong_tries', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Every code sent, for the resend limits per number and per client IP, with its message
  // in the outbox (whose text the jobs blank out once the code is of no use).
  await db.schema
    .createTable('sign_in_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('msisdn', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_requests_msisdn').on('sign_in_requests').columns(['msisdn', 'at']).execute();
  await db.schema.createIndex('sign_in_requests_ip').on('sign_in_requests').columns(['ip', 'at']).execute();

  // Sessions by the SHA-256 of their cookie token; the token itself is never stored.
  await db.schema
    .createTable('account_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_sessions_account').on('account_sessions').column('account_id').execute();
  await db.schema.createIndex('account_sessions_expiry').on('account_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['account_sessions', 'sign_in_requests', 'sign_in_codes', 'account_cards', 'accounts']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
