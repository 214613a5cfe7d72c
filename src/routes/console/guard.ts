/**
 * The HTTP side of staff sessions: the `simkeep_staff` cookie (HttpOnly, SameSite=Strict),
 * the hooks that turn it into `request.actor`, and the CSRF checks. A state-changing staff
 * request must carry the session's CSRF token in `X-CSRF-Token` (a page of another site
 * cannot read it) and, when the browser sends an `Origin`, come from this server's origin.
 */
import { timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HallActor } from '../../hall/hall-access.js';
import type { StaffAuthService } from '../../hall/staff/staff-auth-service.js';
import { hintLanguage } from '../../http/language.js';
import { DomainError } from '../../shared/errors.js';
import { declareSecurity, type SecurityRequirement } from '../security.js';

export const STAFF_COOKIE = 'simkeep_staff';
export const CSRF_HEADER = 'x-csrf-token';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SESSION_SECURITY: SecurityRequirement = [{ staffSession: [] }];

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff member or admin token behind a hall route (set by the hall's hooks). */
    actor: HallActor;
  }
}

export const staffUnauthorized = () =>
  new DomainError('unauthorized', { 'zh-CN': '请先以员工身份登录：尚未登录或会话已结束。', en: 'Sign in as staff first: no staff session, or it has ended.' });

export function staffCookieOptions(publicUrl: string, maxAgeSeconds: number): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: publicUrl.startsWith('https:'), maxAge: maxAgeSeconds };
}

export function clearStaffCookie(reply: FastifyReply, publicUrl: string): void {
  const { maxAge: _, ...options } = staffCookieOptions(publicUrl, 0);
  reply.clearCookie(STAFF_COOKIE, options);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function assertSameSite(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== new URL(publicUrl).origin && origin !== `${request.protocol}://${request.host}`) {
    throw new DomainError('forbidden', { 'zh-CN': '该请求来自其他网站。', en: 'This request came from another site.' });
  }
}

export async function staffActor(request: FastifyRequest, auth: StaffAuthService, publicUrl: string): Promise<HallActor> {
  const token = request.cookies[STAFF_COOKIE];
  const staff = token ? await auth.resolve(token) : undefined;
  if (!staff) throw staffUnauthorized();
  hintLanguage(request, { operatorId: staff.operatorId });
  if (STATE_CHANGING.has(request.method)) {
    assertSameSite(request, publicUrl);
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameText(sent, staff.csrfToken)) {
      throw new DomainError('csrf_invalid', {
        'zh-CN': '请在 X-CSRF-Token 请求头中附上本会话的 CSRF 令牌（登录时或 GET /v1/staff/me 会返回）。',
        en: "Send the session's CSRF token (from login or GET /v1/staff/me) in the X-CSRF-Token header.",
      });
    }
  }
  return { kind: 'staff', staff, ip: request.ip };
}

/** Every route of the plugin needs a staff session (and CSRF for writes), and is documented so. */
export function requireStaff(app: FastifyInstance, auth: StaffAuthService, publicUrl: string): void {
  app.decorateRequest('actor', null as never);
  declareSecurity(app, SESSION_SECURITY);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    request.actor = await staffActor(request, auth, publicUrl);
  });
}
