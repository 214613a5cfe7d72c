/**
 * The hall's staff in the database: their accounts, their sessions (stored as the hash of
 * the cookie token), the failed sign-ins the lockout counts, and the audit log of what they
 * and the admin tokens did. Each function takes the Kysely instance or the transaction it
 * runs in.
 */
import type { Kysely } from 'kysely';
import type { AuditLogTable, StaffLoginFailureTable, StaffSessionTable, StaffTable } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';

export type StaffRow = StaffTable;

export function findStaff(db: Kysely<Database>, id: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The active account with this username, as a sign-in checks its password against. */
export function activeStaffNamed(db: Kysely<Database>, username: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('username', '=', username).where('active', '=', 1).executeTakeFirst();
}

export async function insertStaff(db: Kysely<Database>, row: StaffRow): Promise<void> {
  await db.insertInto('staff').values(row).execute();
}

export async function updateStaff(db: Kysely<Database>, id: string, changes: Partial<StaffRow>): Promise<void> {
  await db.updateTable('staff').set(changes).where('id', '=', id).execute();
}

export async function insertStaffSession(db: Kysely<Database>, row: StaffSessionTable): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute();
}

/** The active staff member of an unexpired session, with the session's CSRF token. */
export function sessionStaff(db: Kysely<Database>, tokenHash: string, now: string) {
  return db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .select(['st.id', 'st.operator_id', 'st.hall_id', 'st.username', 'st.display_name', 'st.role', 's.csrf_token'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('st.active', '=', 1)
    .executeTakeFirst();
}

export async function endSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of the staff member (a disabled account, a new password). */
export async function endSessionsOf(db: Kysely<Database>, staffId: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute();
}

export async function recordLoginFailure(db: Kysely<Database>, row: StaffLoginFailureTable): Promise<void> {
  await db.insertInto('staff_login_failures').values(row).execute();
}

/** Failed sign-ins after `since`, of the username or from the IP. */
export function loginFailuresSince(db: Kysely<Database>, username: string, ip: string, since: string) {
  return db
    .selectFrom('staff_login_failures')
    .select(['username', 'ip', 'at'])
    .where('at', '>', since)
    .where((eb) => eb.or([eb('username', '=', username), eb('ip', '=', ip)]))
    .execute();
}

export async function clearLoginFailures(db: Kysely<Database>, username: string): Promise<void> {
  await db.deleteFrom('staff_login_failures').where('username', '=', username).execute();
}

/** Forgets the sessions expired by `now` and the failures no longer counted (at or before `failuresBefore`). */
export async function pruneStaffSessions(db: Kysely<Database>, now: string, failuresBefore: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('expires_at', '<=', now).execute();
  await db.deleteFrom('staff_login_failures').where('at', '<=', failuresBefore).execute();
}

export async function insertAuditEntry(db: Kysely<Database>, row: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Up to `limit` of the hall's audit entries, newest first, before the entry `before` when given. */
export function auditPage(db: Kysely<Database>, hallId: string, limit: number, before: string | undefined) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('staff as s', 's.id', 'a.staff_id')
    .select(['a.id', 'a.at', 'a.actor', 's.username', 'a.action', 'a.subject', 'a.detail', 'a.ip'])
    .where('a.hall_id', '=', hallId)
    .orderBy('a.id', 'desc')
    .limit(limit);
  if (before) q = q.where('a.id', '<', before);
  return q.execute();
}
