/**
 * Staff sign-in: argon2id passwords, lockout after repeated failures (per username and per
 * client IP), sessions stored as the SHA-256 of their cookie token with a CSRF token the
 * pages send back in a header. Logins, failures and logouts go to the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../db/database.js';
import type { StaffTable } from '../../db/hall-schema.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { audit } from '../audit.js';
import type { StaffPrincipal } from '../hall-access.js';
import { FAILURE_WINDOW_SECONDS, lockedFor, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_USERNAME, STAFF_SESSION_TTL_SECONDS } from './staff-auth-rules.js';
import {
  activeStaffNamed,
  clearLoginFailures,
  endSession,
  insertStaffSession,
  loginFailuresSince,
  pruneStaffSessions,
  recordLoginFailure,
  sessionStaff,
} from './staff-repository.js';

export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Verified against when the username is unknown, so both answers take as long. */
let decoyHash: Promise<string> | undefined;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': `员工密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符。`, en: `A staff password needs at least ${MIN_PASSWORD_LENGTH} characters.` },
      { fields: ['/password'] },
    );
  }
  return hash(password);
}

function toPrincipal(row: Pick<StaffTable, 'id' | 'operator_id' | 'hall_id' | 'username' | 'display_name' | 'role'>, csrfToken: string): StaffPrincipal {
  return { id: row.id, operatorId: row.operator_id, hallId: row.hall_id, username: row.username, displayName: row.display_name, role: row.role, csrfToken };
}

export interface StaffLogin {
  staff: StaffPrincipal;
  sessionToken: string;
  sessionTtlSeconds: number;
}

export class StaffAuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async login(username: string, password: string, ip: string): Promise<StaffLogin> {
    const now = this.clock.now();
    await this.assertNotLocked(username, ip, now);
    const row = await activeStaffNamed(this.db.kysely, username);
    decoyHash ??= hash(randomBytes(16).toString('hex'));
    const ok = await verify(row?.password_hash ?? (await decoyHash), password).catch(() => false);
    if (!row || !ok) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await recordLoginFailure(trx, { id: newId('lf'), username, ip, at: now.toISOString() });
        if (row) await audit(trx, null, ip, { operatorId: row.operator_id, hallId: row.hall_id, action: 'staff.login_failed', subject: row.id }, now);
      });
      throw new DomainError('credentials_invalid');
    }
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const staff = toPrincipal(row, csrfToken);
    await this.db.kysely.transaction().execute(async (trx) => {
      await insertStaffSession(trx, {
        token_hash: sha256Hex(sessionToken),
        staff_id: row.id,
        csrf_token: csrfToken,
        ip,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + STAFF_SESSION_TTL_SECONDS * 1000).toISOString(),
      });
      await clearLoginFailures(trx, username);
      await audit(trx, { kind: 'staff', staff, ip }, ip, { operatorId: row.operator_id, hallId: row.hall_id, action: 'staff.login', subject: row.id }, now);
    });
    return { staff, sessionToken, sessionTtlSeconds: STAFF_SESSION_TTL_SECONDS };
  }

  private async assertNotLocked(username: string, ip: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - FAILURE_WINDOW_SECONDS * 1000).toISOString();
    const failures = await loginFailuresSince(this.db.kysely, username, ip, since);
    const retryAfter = Math.max(
      lockedFor(
        failures.filter((f) => f.username === username).map((f) => f.at),
        MAX_FAILURES_PER_USERNAME,
        now,
      ) ?? 0,
      lockedFor(
        failures.filter((f) => f.ip === ip).map((f) => f.at),
        MAX_FAILURES_PER_IP,
        now,
      ) ?? 0,
    );
    if (retryAfter > 0)
      throw new DomainError(
        'too_many_attempts',
        { 'zh-CN': '密码错误次数过多，请 {minutes} 分钟后再试。', en: 'Too many wrong passwords. Try again in {minutes} min.' },
        { retryAfter },
      );
  }

  /** The staff member a session cookie stands for, or undefined (unknown, expired, or the account was disabled). */
  async resolve(sessionToken: string): Promise<StaffPrincipal | undefined> {
    const row = await sessionStaff(this.db.kysely, sha256Hex(sessionToken), this.clock.now().toISOString());
    return row ? toPrincipal(row, row.csrf_token) : undefined;
  }

  async logout(staff: StaffPrincipal, sessionToken: string, ip: string): Promise<void> {
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await endSession(trx, sha256Hex(sessionToken));
      await audit(
        trx,
        { kind: 'staff', staff, ip },
        ip,
        { operatorId: staff.operatorId, hallId: staff.hallId, action: 'staff.logout', subject: staff.id },
        now,
      );
    });
  }

  /** Forgets expired sessions and old failures. */
  async prune(): Promise<void> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - FAILURE_WINDOW_SECONDS * 1000).toISOString();
    await pruneStaffSessions(this.db.kysely, now.toISOString(), since);
  }
}
