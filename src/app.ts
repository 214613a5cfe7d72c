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
import type { TrustProxy } from './config.js';
import { frameworkErrors, registerErrorHandling } from './http/errors.js';
import { validatorCompiler } from './http/validation.js';
import { fontRoutes, webRoot, webRoutes } from './http/web-app.js';
import { mountRoutes } from './routes/index.js';
import type { Services } from './services.js';

export interface AppOptions {
  logger?: boolean | object;
  trustProxy?: TrustProxy;
  /** Serve the built web app when it exists (default); false for an API-only instance. */
  web?: boolean;
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
  const app = Fastify({
    logger: options.logger ?? false,
    // A hop count trusts that many addresses from the right of X-Forwarded-For (Fastify
    // takes a number too, but its types want the function).
    trustProxy: typeof trustProxy === 'number' ? trustHops(trustProxy) : trustProxy,
    bodyLimit: 64 * 1024,
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
  const web = options.web === false ? undefined : webRoot();
  registerErrorHandling(app, web !== undefined, services.languages);

  await app.register(swagger, {
    openapi: {
      info: { title: 'simkeep API', version: '1.0.0', description: 'Renewals of number-keeping SIM plans. The contract is shared/api-v1.md.' },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'Admin token (simkeep admin-token create)' },
          staffSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'simkeep_staff',
            description: 'Staff session (POST /v1/staff/login); writes also need X-CSRF-Token',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);

  await mountRoutes(app, services);
  await fontRoutes(app);
  if (web) await webRoutes(app, web);
  return app;
}
