/**
 * The HTTP app: one Fastify instance over the services that services.ts built, each route
 * plugin registered with just the services it uses. `buildApp` is what the server, the
 * tests and the benchmarks run.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { accountRoutes } from './accounts/account-routes.js';
import { requireAdmin } from './admin/admin-auth.js';
import { cardRoutes } from './cards/card-routes.js';
import { catalogRoutes } from './catalog/catalog-routes.js';
import type { TrustProxy } from './config.js';
import { consoleRoutes } from './hall/console-routes.js';
import { counterRoutes } from './hall/counter-routes.js';
import { hallAdminRoutes } from './hall/hall-admin-routes.js';
import { queueRoutes } from './hall/queue-routes.js';
import { shiftRoutes } from './hall/shift-routes.js';
import { requireStaff } from './hall/staff-guard.js';
import { staffRoutes } from './hall/staff-routes.js';
import { frameworkErrors, registerErrorHandling } from './http/errors.js';
import { validatorCompiler } from './http/validation.js';
import { paymentRoutes } from './payments/payment-routes.js';
import { providerAdminRoutes } from './payments/provider-admin-routes.js';
import { providerRoutes } from './payments/provider-routes.js';
import { healthRoutes } from './platform/health-routes.js';
import { fontRoutes, webRoot, webRoutes } from './platform/web-routes.js';
import { receiptRoutes } from './receipts/receipt-routes.js';
import { reminderRoutes } from './reminders/reminder-routes.js';
import { subscriberReminderRoutes } from './reminders/subscriber-routes.js';
import { adminOrderRoutes } from './renewal/admin-order-routes.js';
import { renewalRoutes } from './renewal/renewal-routes.js';
import type { Services } from './services.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

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
  registerErrorHandling(app, web !== undefined);

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

/**
 * Every route plugin, each given only the services it uses (its own options type); the staff
 * and admin audiences behind their guards.
 */
async function mountRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config, db, renewal, planOffers, orders, idempotency, receiptPdf, probes, contacts, signIn, accountCards } = services;
  const { payments, secrets, clock, providerPayments, staffAuth, hallAdmin, tokens, queue, boardFeed } = services;
  const { console: counterConsole, counterRenewal, invoices, shifts, voids, hallStats } = services;
  const { catalogService, cards, reminderAdmin, webhookAdmin } = services;

  await app.register(healthRoutes, { db });
  await app.register(renewalRoutes, { renewal, planOffers, orders, idempotency, receiptPdf, probes, config });
  await app.register(subscriberReminderRoutes, { contacts });
  await app.register(accountRoutes, { signIn, accountCards, config });
  // The sandbox pays without money: a production deployment switches it off.
  if (config.sandboxEnabled) await app.register(paymentRoutes, { payments, orders, secrets, clock });
  await app.register(providerRoutes, { providerPayments });
  await app.register(receiptRoutes, { orders });
  await app.register(staffRoutes, { staffAuth, hallAdmin, config });
  await app.register(hallAdminRoutes, { hallAdmin, staffAuth, tokens, config });
  await app.register(queueRoutes, { queue, boardFeed });
  await app.register(async (staff) => {
    requireStaff(staff, staffAuth, config.publicUrl);
    await staff.register(consoleRoutes, { console: counterConsole });
    await staff.register(counterRoutes, { counterRenewal, invoices, idempotency, receiptPdf });
    await staff.register(shiftRoutes, { shifts, voids, hallStats });
  });
  app.addHook('onClose', () => boardFeed.close());
  await app.register(async (admin) => {
    requireAdmin(admin, tokens);
    await admin.register(catalogRoutes, { catalogService });
    await admin.register(cardRoutes, { cards });
    await admin.register(adminOrderRoutes, { orders });
    await admin.register(reminderRoutes, { reminderAdmin });
    await admin.register(webhookRoutes, { webhookAdmin });
    await admin.register(providerAdminRoutes, { providerPayments });
  });
}
