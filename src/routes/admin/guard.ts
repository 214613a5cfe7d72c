/**
 * The admin group's one guard. Every admin route takes either an admin bearer token
 * (`simkeep admin-token create`), acting for its operator or, unscoped, for all, or the
 * staff session of an operator admin, acting for that admin's operator (writes need its
 * `X-CSRF-Token`, as every staff write does). No credentials: `401 unauthorized`; a staff
 * session of a clerk or supervisor: `403 forbidden`. What the caller may then touch is the
 * services' to check, by the principal on `request.principal` (and `request.actor`, for
 * the hall's audit). The document names both credentials on every route of the group.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminTokens } from '../../admin/admin-tokens.js';
import type { AdminPrincipal } from '../../catalog/catalog-service.js';
import type { HallActor } from '../../hall/hall-access.js';
import type { StaffAuthService } from '../../hall/staff/staff-auth-service.js';
import { hintLanguage } from '../../http/language.js';
import { DomainError } from '../../shared/errors.js';
import { STAFF_COOKIE, staffActor } from '../console/guard.js';
import { declareSecurity, type SecurityRequirement } from '../security.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: AdminPrincipal;
  }
}

const ADMIN_SECURITY: SecurityRequirement = [{ adminToken: [] }, { staffSession: [] }];

async function adminActor(request: FastifyRequest, tokens: AdminTokens, staffAuth: StaffAuthService, publicUrl: string): Promise<HallActor> {
  // Neither credential: the answer names the admin token, the one every admin route takes.
  if (request.headers.authorization !== undefined || request.cookies[STAFF_COOKIE] === undefined) {
    return { kind: 'admin', principal: await tokens.authenticate(request.headers.authorization), ip: request.ip };
  }
  const actor = await staffActor(request, staffAuth, publicUrl);
  if (actor.kind === 'staff' && actor.staff.role !== 'operator_admin') {
    throw new DomainError('forbidden', { 'zh-CN': '只有运营商管理员可以这样做。', en: 'Only an operator admin may do this.' });
  }
  return actor;
}

export function requireAdmin(app: FastifyInstance, tokens: AdminTokens, staffAuth: StaffAuthService, publicUrl: string): void {
  app.decorateRequest('principal', null as unknown as AdminPrincipal);
  app.decorateRequest('actor', null as never);
  declareSecurity(app, ADMIN_SECURITY);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const actor = await adminActor(request, tokens, staffAuth, publicUrl);
    request.actor = actor;
    request.principal = actor.kind === 'admin' ? actor.principal : { tokenId: `staff:${actor.staff.id}`, operatorId: actor.staff.operatorId };
    // The operator a route names in its path, else the one the credential acts for.
    const named = (request.params as { operator?: unknown }).operator;
    if (typeof named === 'string') hintLanguage(request, { operatorCode: named });
    else if (request.principal.operatorId !== null) hintLanguage(request, { operatorId: request.principal.operatorId });
  });
}
