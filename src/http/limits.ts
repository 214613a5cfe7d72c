/**
 * How much a request may send and how long it may take, by who calls it. Each route group
 * of routes/index.ts applies its own limits to its routes; a route that needs other ones
 * says so in its options. A body over the limit is `413 invalid_request`, a route that
 * has not answered in time `503 request_timed_out`; a client that has not finished
 * sending its request in time is cut off by the HTTP server itself (`408`, connection
 * closed), whatever the route.
 *
 * These are constants, not settings: they follow from what the routes take (the largest
 * JSON the schemas allow, the providers' own answer times), not from a deployment, and a
 * proxy in front may be stricter still.
 */
import type { FastifyInstance } from 'fastify';

export interface RouteLimits {
  /** Bytes of request body. */
  bodyLimit: number;
  /** Milliseconds from routing to the answer (Fastify's handlerTimeout). */
  handlerTimeout: number;
}

const KB = 1024;

export const LIMITS = {
  // Lookups, orders, sign-in, queue joins: a few hundred bytes of JSON. UnionPay's return
  // is a form POST with its signature and certificate, a few KB.
  public: { bodyLimit: 16 * KB, handlerTimeout: 20_000 },
  subscriber: { bodyLimit: 16 * KB, handlerTimeout: 20_000 },
  console: { bodyLimit: 32 * KB, handlerTimeout: 20_000 },
  // A payment provider's settings hold up to four PEM certificates and keys of 16 KB each.
  admin: { bodyLimit: 128 * KB, handlerTimeout: 30_000 },
  // A provider's notification is one signed payment event (UnionPay's carries its
  // certificate): a few KB. Providers give up on an answer after 5–10 s and retry.
  provider: { bodyLimit: 16 * KB, handlerTimeout: 10_000 },
} as const satisfies Record<string, RouteLimits>;

/**
 * The HTTP server's own clocks, for every connection: a client has 10 s to send its
 * headers and 30 s for its whole request (a slow-loris client is answered 408 and cut
 * off); the server looks every second. The body limit of a route without a group (the
 * API docs, the web app's files, all GETs) is the smallest of the groups'.
 */
export const SERVER_LIMITS = {
  bodyLimit: 16 * KB,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
};

/** Gives each route of this group (registered after this call) the group's limits, unless it sets its own. */
export function applyLimits(app: FastifyInstance, limits: RouteLimits): void {
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= limits.bodyLimit;
    route.handlerTimeout ??= limits.handlerTimeout;
  });
}
