/**
 * The HTTP side of sessions: the `simkeep_session` cookie, the hook that turns it into
 * `request.account` for the `/v1/me` routes, and the cross-site request forgery checks of
 * every state-changing account route.
 *
 * CSRF, two locks: such a route takes only `application/json` (or no body), which a page
 * of another site can send only after a CORS preflight that this server never grants; and
 * an `Origin` header, which browsers send with every POST, PUT and DELETE, must be this
 * server's own (the origin of SIMKEEP_PUBLIC_URL, or the Host the request came to). The
 * cookie's SameSite=Lax keeps it off cross-site subrequests besides.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRow } from '../../accounts/account-repository.js';
import { SESSION_COOKIE } from '../../accounts/credentials.js';
import type { SignInService } from '../../accounts/sign-in-service.js';
import { sendError } from '../../http/errors.js';
import { hintLanguage } from '../../http/language.js';
import { DomainError } from '../../shared/errors.js';
import { declareSecurity, type SecurityRequirement } from '../security.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, on the `/v1/me` routes (set by `resolveAccount`). */
    account: AccountRow | null;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SUBSCRIBER_SECURITY: SecurityRequirement = [{ subscriberSession: [] }];

export const unauthorized = () =>
  new DomainError('unauthorized', { 'zh-CN': '请先登录：尚未登录或会话已结束。', en: 'Sign in first: no session, or it has ended.' });

export function sessionCookieOptions(publicUrl: string, maxAgeSeconds: number): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: publicUrl.startsWith('https:'), maxAge: maxAgeSeconds };
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  const { maxAge: _, ...options } = sessionCookieOptions(publicUrl, 0);
  reply.clearCookie(SESSION_COOKIE, options);
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/** The signed-in account, or `401 unauthorized`. */
export function requireAccount(request: FastifyRequest): AccountRow {
  if (!request.account) throw unauthorized();
  return request.account;
}

/**
 * An `onRequest` hook refusing a state-changing request from another site (`403 forbidden`)
 * or with a body that is not JSON (`415 invalid_request`). Reads are left alone: another
 * site cannot read the answers (no CORS), and a GET changes nothing.
 */
export function forgeryGuard(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-store');
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== publicOrigin && origin !== `${request.protocol}://${request.host}`) {
      throw new DomainError('forbidden', { 'zh-CN': '该请求来自其他网站。', en: 'This request came from another site.' });
    }
    const type = request.headers['content-type'];
    if (type !== undefined && type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      return sendError(request, reply, 'invalid_request', {
        status: 415,
        message: { 'zh-CN': '请以 application/json 格式发送请求内容。', en: 'Send the body as application/json.' },
      });
    }
  };
}

/**
 * The subscriber group's one guard: the forgery checks, then the session cookie turned into
 * `request.account`, before the body is read (nothing of a request without a session is
 * looked at). No session, or an ended one: `401 unauthorized`, and a stale cookie cleared.
 * Every route of the group is documented as taking the `subscriberSession` scheme.
 */
export function requireSubscriber(app: FastifyInstance, signIn: Pick<SignInService, 'accountOfSession'>, publicUrl: string): void {
  app.decorateRequest('account', null);
  declareSecurity(app, SUBSCRIBER_SECURITY);
  app.addHook('onRequest', forgeryGuard(publicUrl));
  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return;
    const token = sessionToken(request);
    request.account = (await signIn.accountOfSession(token)) ?? null;
    if (request.account) return hintLanguage(request, { accountId: request.account.id });
    if (token !== undefined) clearSessionCookie(reply, publicUrl);
    throw unauthorized();
  });
}
