/**
 * Payment providers per operator (issue #3): Alipay, WeChat Pay and UnionPay, each with
 * its merchant settings (keys included) as JSON and a switch. A method is offered to an
 * operator's subscribers only while its row is enabled.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_providers')
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // JSON, checked when saved (keys parse, certificates chain); secrets are never answered.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_providers_pk', ['operator_id', 'provider'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_providers').ifExists().execute();
}
