/**
 * Composition: builds the services over one database and mounts every route on one
 * Fastify instance. `buildApp` is what the server, the tests and the benchmarks run.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { AccountCardsService } from './accounts/account-cards-service.js';
import { accountRoutes } from './accounts/account-routes.js';
import { SignInService } from './accounts/sign-in-service.js';
import { requireAdmin } from './admin/admin-auth.js';
import { AdminTokens } from './admin/admin-tokens.js';
import { cardRoutes } from './cards/card-routes.js';
import { CardService } from './cards/card-service.js';
import { Catalog } from './catalog/catalog.js';
import { catalogRoutes } from './catalog/catalog-routes.js';
import { CatalogService } from './catalog/catalog-service.js';
import type { Config, TrustProxy } from './config.js';
import type { Db } from './db/database.js';
import { Idempotency } from './guard/idempotency.js';
import { ProbeGuard } from './guard/probe-guard.js';
import { BoardFeed } from './hall/board-feed.js';
import { consoleRoutes } from './hall/console-routes.js';
import { ConsoleService } from './hall/console-service.js';
import { CounterRenewalService } from './hall/counter-renewal-service.js';
import { counterRoutes } from './hall/counter-routes.js';
import { hallAdminRoutes } from './hall/hall-admin-routes.js';
import { HallAdminService } from './hall/hall-admin-service.js';
import { HallLayouts } from './hall/hall-repository.js';
import { HallStatsService } from './hall/hall-stats-service.js';
import { InvoiceService } from './hall/invoice-service.js';
import { queueRoutes } from './hall/queue-routes.js';
import { QueueService } from './hall/queue-service.js';
import { shiftRoutes } from './hall/shift-routes.js';
import { ShiftService } from './hall/shift-service.js';
import { StaffAuthService } from './hall/staff-auth-service.js';
import { requireStaff } from './hall/staff-guard.js';
import { staffRoutes } from './hall/staff-routes.js';
import { VoidService } from './hall/void-service.js';
import { frameworkErrors, registerErrorHandling } from './http/errors.js';
import { validatorCompiler } from './http/validation.js';
import { Dispatcher, directComposer } from './notify/dispatcher.js';
import { NotificationSettingsStore } from './notify/notification-settings.js';
import { TransportPool } from './notify/transport-pool.js';
import { paymentRoutes } from './payments/payment-routes.js';
import { PaymentService } from './payments/payment-service.js';
import { providerAdminRoutes } from './payments/provider-admin-routes.js';
import { ProviderPayments } from './payments/provider-payments.js';
import { providerRoutes } from './payments/provider-routes.js';
import { PaymentProviderStore } from './payments/provider-settings.js';
import { healthRoutes } from './platform/health-routes.js';
import { loadSecrets, type Secrets } from './platform/secrets.js';
import { fontRoutes, webRoot, webRoutes } from './platform/web-routes.js';
import { ReceiptLinker } from './receipts/receipt-links.js';
import { ReceiptNumbering } from './receipts/receipt-numbering.js';
import { receiptPdfService } from './receipts/receipt-pdf-service.js';
import { receiptRoutes } from './receipts/receipt-routes.js';
import { ReminderComposer } from './reminders/reminder-messages.js';
import { reminderRoutes } from './reminders/reminder-routes.js';
import { REMINDER_KIND, ReminderSweeper } from './reminders/reminder-sweep.js';
import { RenewalLinker } from './reminders/renewal-links.js';
import { subscriberReminderRoutes } from './reminders/subscriber-routes.js';
import { adminOrderRoutes } from './renewal/admin-order-routes.js';
import { OrderService } from './renewal/order-service.js';
import { renewalRoutes } from './renewal/renewal-routes.js';
import { RenewalService } from './renewal/renewal-service.js';
import { type Clock, systemClock } from './shared/clock.js';
import { EventPublisher, WEBHOOK_KIND } from './webhooks/events.js';
import { WebhookComposer } from './webhooks/webhook-composer.js';
import { WebhookEndpoints } from './webhooks/webhook-endpoints.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

export interface Services {
  db: Db;
  config: Config;
  clock: Clock;
  secrets: Secrets;
  catalog: Catalog;
  catalogService: CatalogService;
  cards: CardService;
  renewal: RenewalService;
  orders: OrderService;
  payments: PaymentService;
  paymentProviders: PaymentProviderStore;
  providerPayments: ProviderPayments;
  idempotency: Idempotency;
  probes: ProbeGuard;
  tokens: AdminTokens;
  receiptPdf: (orderId: string) => Promise<{ pdf: Buffer; number: string }>;
  notificationSettings: NotificationSettingsStore;
  renewalLinks: RenewalLinker;
  reminders: ReminderSweeper;
  transports: TransportPool;
  dispatcher: Dispatcher;
  webhookEndpoints: WebhookEndpoints;
  events: EventPublisher;
  signIn: SignInService;
  accountCards: AccountCardsService;
  staffAuth: StaffAuthService;
  hallAdmin: HallAdminService;
  boardFeed: BoardFeed;
  queue: QueueService;
  console: ConsoleService;
  counterRenewal: CounterRenewalService;
  shifts: ShiftService;
  voids: VoidService;
  invoices: InvoiceService;
  hallStats: HallStatsService;
}

export async function createServices(db: Db, config: Config, clock: Clock = systemClock): Promise<Services> {
  const secrets = await loadSecrets(db, config);
  const catalog = new Catalog(db, clock);
  const catalogService = new CatalogService(db, catalog, clock);
  const links = new ReceiptLinker(secrets.receiptKey, config.publicUrl);
  const probes = new ProbeGuard(db, clock, config.lookupLimits);
  const webhookEndpoints = new WebhookEndpoints(db, clock);
  const events = new EventPublisher(webhookEndpoints);
  const orders = new OrderService(db, catalog, catalogService, links, clock, events);
  const notificationSettings = new NotificationSettingsStore(db, clock);
  const renewalLinks = new RenewalLinker(secrets.linkKey, config.publicUrl);
  const transports = new TransportPool(notificationSettings, { outboxDir: path.join(config.dataDir, 'outbox') });
  const composers = {
    [REMINDER_KIND]: new ReminderComposer(db, catalog, notificationSettings, renewalLinks),
    [WEBHOOK_KIND]: new WebhookComposer(db, catalog),
    message: directComposer,
  };
  const dispatcher = new Dispatcher(db, catalog, notificationSettings, transports, composers, clock, {
    batchSize: 1000,
    leaseMs: 5 * 60_000,
    maxAttempts: config.outboxMaxAttempts,
    concurrency: 8,
  });
  const boardFeed = new BoardFeed(db);
  const layouts = new HallLayouts(db.kysely);
  const queue = new QueueService(db, clock, boardFeed, config.publicUrl, layouts, probes);
  const paymentProviders = new PaymentProviderStore(db, clock);
  const receipts = new ReceiptNumbering(db, events);
  const payments = new PaymentService(db, catalog, clock, secrets.sandboxSecret, events, receipts);
  const renewal = new RenewalService(db, catalog, probes, clock, config.orderTtlMinutes, config.sandboxEnabled ? ['sandbox'] : [], events, paymentProviders);
  return {
    db,
    config,
    clock,
    secrets,
    catalog,
    catalogService,
    cards: new CardService(db, catalog, catalogService, clock),
    renewal,
    orders,
    payments,
    paymentProviders,
    providerPayments: new ProviderPayments(catalog, paymentProviders, payments, orders, clock, config.publicUrl),
    idempotency: new Idempotency(db, clock),
    probes,
    tokens: new AdminTokens(db, clock, config.adminToken),
    receiptPdf: receiptPdfService(orders),
    notificationSettings,
    renewalLinks,
    reminders: new ReminderSweeper(db, catalog, notificationSettings, clock, events),
    transports,
    dispatcher,
    webhookEndpoints,
    events,
    signIn: new SignInService(db, secrets.accountKey, clock, dispatcher, config.defaultOperator),
    accountCards: new AccountCardsService(db, catalog, renewal, orders, links, clock),
    staffAuth: new StaffAuthService(db, clock),
    hallAdmin: new HallAdminService(db, catalog, clock, layouts),
    boardFeed,
    queue,
    console: new ConsoleService(db, clock, boardFeed, queue),
    counterRenewal: new CounterRenewalService(db, catalog, renewal, clock, boardFeed, receipts),
    shifts: new ShiftService(db, clock),
    voids: new VoidService(db, clock, events),
    invoices: new InvoiceService(db, orders, clock),
    hallStats: new HallStatsService(db),
  };
}

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

  await app.register(healthRoutes, { services });
  await app.register(renewalRoutes, { services });
  await app.register(subscriberReminderRoutes, { services });
  await app.register(accountRoutes, { services });
  // The sandbox pays without money: a production deployment switches it off.
  if (services.config.sandboxEnabled) await app.register(paymentRoutes, { services });
  await app.register(providerRoutes, { services });
  await app.register(receiptRoutes, { services });
  await app.register(staffRoutes, { services });
  await app.register(hallAdminRoutes, { services });
  await app.register(queueRoutes, { services });
  await app.register(async (staff) => {
    requireStaff(staff, services.staffAuth, services.config.publicUrl);
    await staff.register(consoleRoutes, { services });
    await staff.register(counterRoutes, { services });
    await staff.register(shiftRoutes, { services });
  });
  app.addHook('onClose', () => services.boardFeed.close());
  await app.register(async (admin) => {
    requireAdmin(admin, services.tokens);
    await admin.register(catalogRoutes, { services });
    await admin.register(cardRoutes, { services });
    await admin.register(adminOrderRoutes, { services });
    await admin.register(reminderRoutes, { services });
    await admin.register(webhookRoutes, { services });
    await admin.register(providerAdminRoutes, { services });
  });
  await fontRoutes(app);
  if (web) await webRoutes(app, web);
  return app;
}
