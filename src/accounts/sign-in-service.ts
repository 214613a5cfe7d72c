/**
 * Signing in to a subscriber account: a one-time code sent by SMS to the number, checked
 * against its hash, then a session. The answer to a code request never says whether any
 * card has the number. Each use case runs in one transaction; a wrong code's count is
 * committed before the error is answered.
 */
import type { Kysely } from 'kysely';
import { findLiveCard } from '../cards/card-repository.js';
import type { Db } from '../db/database.js';
import { lockForOperator } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { type Dispatcher, messageBodyPlace } from '../notify/dispatcher.js';
import { enqueueMessage } from '../notify/message-repository.js';
import type { Keyring } from '../platform/sealed.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidPhoneNumber, type Text } from '../shared/errors.js';
import { parseMsisdn } from '../shared/msisdn.js';
import {
  type AccountRow,
  accountOf,
  codeLockedUntil,
  codeSendsSince,
  countCards,
  deleteCode,
  endSession,
  firstOperatorId,
  forgetCodeSends,
  forgetExpiredCodes,
  forgetExpiredSessions,
  holdsReissuedNumber,
  insertSession,
  linkCard,
  lockCode,
  operatorIdByCode,
  recordCodeSend,
  recordWrongCode,
  redactCodeMessages,
  resetAccount,
  sessionAccount,
  storeCode,
} from './account-repository.js';
import { codeHash, codeMatches, newCode, newSessionToken, sessionTokenHash } from './credentials.js';
import {
  CODE_TTL_SECONDS,
  type CodeVerdict,
  codeMessage,
  judgeCode,
  lockRetryAfter,
  SEND_HISTORY_SECONDS,
  SESSION_TTL_SECONDS,
  sendRetryAfter,
} from './sign-in-rules.js';

export interface SignInLogger {
  warn(obj: object, msg: string): void;
}

export interface SignedIn {
  account: { msisdn: string; cards: number };
  /** The cookie value; only its hash is stored. */
  sessionToken: string;
  sessionTtlSeconds: number;
}

const tooManyAttempts = (retryAfter: number, message: Text) => new DomainError('too_many_attempts', message, { retryAfter });
// `{minutes}` is filled from the details' retryAfter (shared/errors.ts).
const TOO_MANY_WRONG_CODES = {
  'zh-CN': '该号码输错验证码的次数过多，请 {minutes} 分钟后再试。',
  en: 'Too many wrong codes for this number. Try again in {minutes} min.',
} as const;

export class SignInService {
  constructor(
    private readonly db: Db,
    private readonly accountKey: Buffer,
    private readonly clock: Clock,
    private readonly dispatcher: Pick<Dispatcher, 'drain'>,
    /** The operator whose transport sends codes to numbers no card has (SIMKEEP_DEFAULT_OPERATOR). */
    private readonly defaultOperator: string | undefined,
    /** Seals the code's message in the outbox: a read of the database must not sign anyone in. */
    private readonly keyring: Keyring,
  ) {}

  /**
   * Sends a new code to the number (replacing any earlier one), within the resend limits.
   * Answers the same whether or not a card has the number.
   */
  async requestCode(input: string, ip: string, log: SignInLogger): Promise<{ sent: true; expiresIn: number }> {
    const msisdn = validMsisdn(input);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const code = newCode();
    await this.db.kysely.transaction().execute(async (trx) => {
      // Concurrent requests for one number, or from one IP, count one after the other.
      await lockForOperator(trx, this.db.dialect, `sign-in:msisdn:${msisdn}`);
      await lockForOperator(trx, this.db.dialect, `sign-in:ip:${ip}`);
      const locked = lockRetryAfter(await codeLockedUntil(trx, msisdn), now);
      if (locked !== undefined) throw tooManyAttempts(locked, TOO_MANY_WRONG_CODES);
      const wait = sendRetryAfter(await this.sendHistory(trx, msisdn, ip, now), now);
      if (wait !== undefined)
        throw tooManyAttempts(wait, {
          'zh-CN': '验证码刚刚已发送，请 {minutes} 分钟后再重新获取。',
          en: 'A code was sent recently. Ask for another in {minutes} min.',
        });

      await storeCode(trx, {
        msisdn,
        code_hash: codeHash(this.accountKey, msisdn, code),
        expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString(),
        wrong_tries: 0,
        locked_until: null,
        created_at: nowIso,
      });
      const card = await findLiveCard(trx, msisdn);
      const operatorId = card?.operator_id ?? (await this.defaultOperatorId(trx));
      // A deployment without any operator has no card to sign in for: nothing to send through.
      const messageId = operatorId
        ? await enqueueMessage(trx, { kind: 'message', operatorId, channel: 'sms', to: msisdn, text: codeMessage(code) }, now, (text, id) =>
            this.keyring.seal(text, messageBodyPlace(id)),
          )
        : null;
      await recordCodeSend(trx, msisdn, ip, messageId, nowIso);
    });
    // Sent at once rather than at the next scheduled run; a failure is retried by the jobs.
    this.dispatcher.drain().catch((error: unknown) => log.warn({ err: error }, 'sending a sign-in code failed; the scheduled jobs will retry'));
    return { sent: true, expiresIn: CODE_TTL_SECONDS };
  }

  /**
   * Checks the code; on success creates the account on its first sign-in, adds the number's
   * live card to it, and opens a session. A code works once.
   */
  async verify(input: { msisdn: string; code: string }): Promise<SignedIn> {
    const msisdn = validMsisdn(input.msisdn);
    const now = this.clock.now();
    const outcome = await this.db.kysely.transaction().execute(async (trx) => {
      // Locked: concurrent tries of one number count one after the other, and a code works once.
      const row = await lockCode(trx, this.db.dialect, msisdn);
      const matches = codeMatches(this.accountKey, msisdn, input.code, row?.code_hash);
      const verdict = judgeCode(row && { expiresAt: row.expires_at, wrongTries: row.wrong_tries, lockedUntil: row.locked_until }, matches, now);
      if (verdict.kind === 'wrong' || verdict.kind === 'wrong_locked') {
        await recordWrongCode(trx, msisdn, {
          wrong_tries: verdict.wrongTries,
          // A lock also ends the code: after the lock, a new one is needed.
          ...(verdict.kind === 'wrong_locked' ? { locked_until: verdict.lockedUntil, expires_at: now.toISOString() } : {}),
        });
      }
      if (verdict.kind !== 'accepted') return { verdict };
      await deleteCode(trx, msisdn);
      return { verdict, signedIn: await this.openSession(trx, msisdn, now) };
    });
    if (outcome.signedIn) return outcome.signedIn;
    throw refusal(outcome.verdict);
  }

  /** The account of a session cookie, while the session lasts. */
  async accountOfSession(token: string | undefined): Promise<AccountRow | undefined> {
    const hash = sessionTokenHash(token);
    return hash === undefined ? undefined : sessionAccount(this.db.kysely, hash, this.clock.now());
  }

  /** Ends the session of the cookie, if there is one. */
  async signOut(token: string | undefined): Promise<void> {
    const hash = sessionTokenHash(token);
    if (hash !== undefined) await endSession(this.db.kysely, hash);
  }

  /**
   * Forgets expired codes (unless they carry a running lock), sends older than the longest
   * resend window, and expired sessions; and blanks the code out of each sign-in SMS sent
   * once the code has expired, so the outbox does not keep usable codes around.
   */
  async prune(): Promise<number> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const db = this.db.kysely;
    const codes = await forgetExpiredCodes(db, nowIso);
    const sessions = await forgetExpiredSessions(db, nowIso);
    // Before the sends are forgotten: each names its message.
    await redactCodeMessages(db, this.db.dialect, codeMessage('******'), new Date(now.getTime() - CODE_TTL_SECONDS * 1000).toISOString());
    const sends = await forgetCodeSends(db, new Date(now.getTime() - SEND_HISTORY_SECONDS * 1000).toISOString());
    return codes + sends + sessions;
  }

  private async openSession(trx: Kysely<Database>, msisdn: string, now: Date): Promise<SignedIn> {
    const nowIso = now.toISOString();
    const account = await accountOf(trx, msisdn, nowIso);
    const card = await findLiveCard(trx, msisdn);
    if (card) {
      // The number now belongs to a new card: the account's cards and sessions were the previous subscriber's.
      if (await holdsReissuedNumber(trx, account)) await resetAccount(trx, account.id);
      await linkCard(trx, account.id, card.id, nowIso);
    }
    const sessionToken = newSessionToken();
    await insertSession(trx, sessionTokenHash(sessionToken) as string, account.id, now, SESSION_TTL_SECONDS);
    return { account: { msisdn, cards: await countCards(trx, account.id) }, sessionToken, sessionTtlSeconds: SESSION_TTL_SECONDS };
  }

  private async sendHistory(trx: Kysely<Database>, msisdn: string, ip: string, now: Date) {
    const since = new Date(now.getTime() - SEND_HISTORY_SECONDS * 1000).toISOString();
    const rows = await codeSendsSince(trx, msisdn, ip, since);
    return { msisdn: rows.filter((r) => r.msisdn === msisdn).map((r) => r.at), ip: rows.filter((r) => r.ip === ip).map((r) => r.at) };
  }

  /** SIMKEEP_DEFAULT_OPERATOR, or the first operator created. */
  private async defaultOperatorId(trx: Kysely<Database>): Promise<string | undefined> {
    // Read through the transaction: on SQLite it holds the only connection (so not the catalog's cache).
    const configured = this.defaultOperator ? await operatorIdByCode(trx, this.defaultOperator) : undefined;
    return configured ?? (await firstOperatorId(trx));
  }
}

function validMsisdn(input: string): string {
  const msisdn = parseMsisdn(input);
  if (!msisdn) throw invalidPhoneNumber('msisdn');
  return msisdn;
}

function refusal(verdict: Exclude<CodeVerdict, { kind: 'accepted' }>): DomainError {
  switch (verdict.kind) {
    case 'locked':
      return tooManyAttempts(verdict.retryAfter, TOO_MANY_WRONG_CODES);
    case 'wrong_locked':
      return tooManyAttempts(verdict.retryAfter, {
        'zh-CN': '该号码输错验证码的次数过多，已锁定 {minutes} 分钟。',
        en: 'Too many wrong codes for this number: it is locked for {minutes} min.',
      });
    case 'expired':
      return new DomainError('code_expired', {
        'zh-CN': '验证码已过期或尚未发送，请重新获取。',
        en: 'This code has expired or was never sent; ask for a new one.',
      });
    case 'wrong':
      return new DomainError('code_invalid', undefined, { triesLeft: verdict.triesLeft });
  }
}
