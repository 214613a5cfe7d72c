/**
 * Admin tokens in the database, stored by their SHA-256 hash (hex), never as they are.
 * Each function takes the Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { AdminTokenTable, Database } from '../db/schema.js';

export type AdminTokenRow = AdminTokenTable;

export async function insertAdminToken(db: Kysely<Database>, row: AdminTokenRow): Promise<void> {
  await db.insertInto('admin_tokens').values(row).execute();
}

/** Every token, oldest first, with its operator's code. */
export function listAdminTokens(db: Kysely<Database>) {
  return db
    .selectFrom('admin_tokens as t')
    .leftJoin('operators as o', 'o.id', 't.operator_id')
    .select(['t.id', 't.name', 'o.code as operator', 't.created_at', 't.revoked_at'])
    .orderBy('t.created_at')
    .execute();
}

/** Revokes a token not revoked yet; false when there is none. */
export async function revokeAdminToken(db: Kysely<Database>, id: string, now: string): Promise<boolean> {
  const result = await db.updateTable('admin_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The unrevoked token with this hash. */
export function liveTokenByHash(db: Kysely<Database>, tokenHash: string): Promise<Pick<AdminTokenRow, 'id' | 'operator_id' | 'token_hash'> | undefined> {
  return db
    .selectFrom('admin_tokens')
    .select(['id', 'operator_id', 'token_hash'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
