/**
 * How a route group's guard shows in the OpenAPI document: the guard names its security
 * requirement once, on every route registered behind it, so the document says what the
 * guard demands and no route of the group can leave it out.
 */
import type { FastifyInstance } from 'fastify';

/** An OpenAPI security requirement: any one of the schemes (of app.ts) will do. */
export type SecurityRequirement = Record<string, string[]>[];

export function declareSecurity(app: FastifyInstance, security: SecurityRequirement): void {
  // onRoute runs for the routes of the plugins registered in `app` from now on; the
  // document reads each route's schema when it is generated, after this hook.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security };
  });
}
