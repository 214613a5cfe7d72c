/**
 * Who is asking, on admin routes: every request under the admin plugin must carry a
 * known bearer token; the principal it stands for is on `request.principal`.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminPrincipal } from '../catalog/catalog-service.js';
import type { AdminTokens } from './admin-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: AdminPrincipal;
  }
}

export function requireAdmin(app: FastifyInstance, tokens: AdminTokens): void {
  app.decorateRequest('principal', null as unknown as AdminPrincipal);
  app.addHook('onRequest', async (request) => {
    request.principal = await tokens.authenticate(request.headers.authorization);
  });
}

export const bearerSecurity = [{ adminToken: [] as string[] }];
