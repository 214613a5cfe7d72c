/**
 * The headers every answer carries for the browser's sake (@fastify/helmet): one content
 * security policy for all of simkeep's pages, the web app, the server-rendered pages
 * (checkout, receipt verification) and the API docs, none of which has an inline script,
 * inline style or third-party resource; no framing; no Referer, since the ticket page,
 * receipt links and renewal links carry their token in the URL; HSTS when the request came
 * over HTTPS. CORS is cors.ts.
 */
import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Only this site's scripts, styles, fonts and connections (the board's event stream is
 * same-origin too); images also as `data:` (the API docs' icons). No `'unsafe-inline'`
 * anywhere: React's `style` props are set through the CSSOM, which the policy allows.
 * No `upgrade-insecure-requests`: a deployment on plain HTTP (the demo, a test) would
 * lose every subresource; over HTTPS, HSTS does that job.
 */
const DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
} as const;

/** A year, without includeSubDomains: simkeep does not speak for the operator's other hosts. */
const HSTS = 'max-age=31536000';

function policy(directives: Record<string, readonly string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...DIRECTIVES } },
    // Below, by the request's protocol.
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // `request.protocol` is X-Forwarded-Proto only from a proxy SIMKEEP_TRUST_PROXY trusts.
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.raw.setHeader('strict-transport-security', HSTS);
  });
}

/**
 * The one inline style of the API docs: the `<style>` inside Swagger UI's logo (its
 * standalone preset), allowed by its hash rather than with `'unsafe-inline'`. A new
 * Swagger UI with another logo style shows as a violation in test/e2e/headers.test.ts.
 */
const SWAGGER_LOGO_STYLE = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}';

/** The policy of the API docs' pages (@fastify/swagger-ui's `transformStaticCSP`). */
export function docsPolicy(header: string): string {
  const hash = `'sha256-${createHash('sha256').update(SWAGGER_LOGO_STYLE).digest('base64')}'`;
  return header.replace(/(^|;\s*)style-src 'self'/, `$1style-src 'self' ${hash}`);
}

/**
 * This answer's page submits a form to another site (a provider's gateway): the policy
 * lets its forms go there besides this site.
 */
export function allowFormPostTo(reply: FastifyReply, action: string): FastifyReply {
  const formAction = [...DIRECTIVES['form-action'], new URL(action).origin];
  return reply.header('content-security-policy', policy({ ...DIRECTIVES, 'form-action': formAction }));
}
