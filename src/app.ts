/**
 * The HTTP app: one Fastify instance over the services that services.ts built, with the
 * routes of routes/ (grouped by who calls them, each group behind its guard). `buildApp` is what the server, the
 * tests and the benchmarks run.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from './accounts/credentials.js';
import type { TrustProxy } from './config.js';
import { registerCors } from './http/cors.js';
import { frameworkErrors, registerErrorHandling } from './http/errors.js';
import { SERVER_LIMITS } from './http/limits.js';
import { pageAssetRoutes } from './http/page-assets.js';
import { docsPolicy, registerSecurityHeaders } from './http/security-headers.js';
import { validatorCompiler } from './http/validation.js';
import { fontRoutes, webRoot, webRoutes } from './http/web-app.js';
import type { Metrics } from './platform/metrics.js';
import { mountRoutes } from './routes/index.js';
import type { Services } from './services.js';

export interface AppOptions {
  logger?: boolean | object;
  trustProxy?: TrustProxy;
  /** Serve the built web app when it exists (default); false for an API-only instance. */
  web?: boolean;
  /** The HTTP server's clocks (http/limits.ts); a test shortens them. */
  serverLimits?: Partial<typeof SERVER_LIMITS>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id in the logs and in `X-Request-Id`: the caller's (a proxy's or a
 * client's), when it is well-formed, so one id follows a request across systems; else a
 * UUID, unique across every process of a deployment.
 */
function requestIdOf(raw: { headers: Record<string, string | string[] | undefined> }): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const trustProxy = options.trustProxy ?? services.config.trustProxy;
  const limits = { ...SERVER_LIMITS, ...options.serverLimits };
  const app = Fastify({
    logger: options.logger ?? false,
    // A hop count trusts that many addresses from the right of X-Forwarded-For (Fastify
    // takes a number too, but its types want the function).
    trustProxy: typeof trustProxy === 'number' ? trustHops(trustProxy) : trustProxy,
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeout,
    http: { headersTimeout: limits.headersTimeout, requestTimeout: limits.requestTimeout, connectionsCheckingInterval: limits.connectionsCheckingInterval },
    ajv: { customOptions: { coerceTypes: false } },
    frameworkErrors,
    genReqId: requestIdOf,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // How long the server spent on each answer (from its first byte to the answer), for
  // operators' monitoring and the benchmarks: it leaves out the network and the client.
  app.addHook('onSend', async (request, reply) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(2)}`);
    reply.header('x-request-id', request.id);
  });
  // Labelled by the route's pattern, never the URL (it carries numbers and tokens); unmatched ones as one label.
  app.addHook('onResponse', async (request, reply) => {
    services.metrics.request(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
  const web = options.web === false ? undefined : webRoot();
  registerErrorHandling(app, web !== undefined, services.languages);
  await registerSecurityHeaders(app);
  registerCors(app, services.config.corsOrigins);

  await app.register(swagger, {
    openapi: {
      info: { title: 'simkeep API', version: '1.0.0', description: 'Renewals of number-keeping SIM plans. The contract is shared/api-v1.md.' },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'Admin token (simkeep admin-token create)' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'The metrics token (SIMKEEP_METRICS_TOKEN)' },
          staffSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'simkeep_staff',
            description: 'Staff session (POST /v1/staff/login); writes also need X-CSRF-Token',
          },
          subscriberSession: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'Subscriber session (POST /v1/auth/verify); writes take only application/json, from this origin',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', transformStaticCSP: docsPolicy });
  await app.register(cookie);

  await mountRoutes(app, services);
  await fontRoutes(app);
  await pageAssetRoutes(app);
  if (web) await webRoutes(app, web);
  return app;
}

/**
 * The metrics listener of SIMKEEP_METRICS_PORT: `GET /metrics` and nothing else, without a
 * token (its address, loopback by default, is its guard). `serve` and `simkeep worker` run
 * it; a worker has no other HTTP port.
 */
export async function buildMetricsApp(metrics: Metrics): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) =>
    reply
      .type(metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.exposition()),
  );
  return app;
}

/** Starts the metrics listener when SIMKEEP_METRICS_PORT is set: its address, and `close` to stop it (which does nothing when there is none). */
export async function startMetricsListener(
  metrics: Metrics,
  config: { metricsPort?: number | undefined; metricsHost: string },
): Promise<{ url: string | undefined; close(): Promise<void> }> {
  if (config.metricsPort === undefined) return { url: undefined, close: async () => {} };
  const app = await buildMetricsApp(metrics.withProcessMetrics());
  const url = await app.listen({ port: config.metricsPort, host: config.metricsHost });
  return { url: `${url}/metrics`, close: () => app.close() };
}
