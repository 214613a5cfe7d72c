/**
 * The language an operator's callers are answered in when they say none (no
 * Accept-Language, no choice of their own): `operators.default_language`, Chinese unless the
 * operator says otherwise (issue #17: one error catalogue, in the caller's language).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('operators')
    .addColumn('default_language', 'text', (c) => c.notNull().defaultTo('zh-CN'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operators').dropColumn('default_language').execute();
}
