/**
 * CORS for the sites SIMKEEP_CORS_ORIGINS names, and for no one else. Off (the default),
 * it adds nothing: no response carries an `Access-Control-*` header, so a browser lets no
 * other site's script read an answer. On, a request from a listed origin gets
 * `Access-Control-Allow-Origin: <that origin>`, and its preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) is answered `204` before any route runs. Never with
 * credentials: the sessions are cookies of simkeep's own pages, and a listed site calls
 * the API as anyone may (lookups, orders) or with an admin's bearer token.
 *
 * Small enough not to need @fastify/cors: one allow-list, no credentials, no regexes.
 */
import type { FastifyInstance } from 'fastify';

/** What a listed site may send: the API's JSON, an admin's bearer token, an idempotency key. */
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, accept-language, x-request-id';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** What a listed site's script may read beyond the CORS-safelisted headers. */
const EXPOSED_HEADERS = 'content-language, retry-after, x-request-id';
/** A preflight is remembered for 10 minutes (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    // Every answer depends on the Origin once there is a list, allowed or not: a cache
    // must not give one origin's answer to another.
    reply.raw.setHeader('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return;
    // On the raw response, so that answers written by hand (the board's event stream) have it too.
    reply.raw.setHeader('access-control-allow-origin', origin);
    reply.raw.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
        .send();
    }
  });
  // A route's own Vary (the web app's files vary by Accept-Encoding) replaces the one above: add Origin back.
  app.addHook('onSend', async (_request, reply) => {
    const vary = String(reply.getHeader('vary') ?? '');
    if (!/(^|,)\s*origin\s*(,|$)/i.test(vary)) reply.header('vary', vary ? `${vary}, Origin` : 'Origin');
  });
}
