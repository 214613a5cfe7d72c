/**
 * The composition root: builds every repository and service once, over one database, for the
 * server, the worker, the CLI, the tests and the benchmarks. Nothing here knows HTTP; app.ts
 * hands each route plugin the few services it uses.
 */
import path from 'node:path';
import { AccountCardsService } from './accounts/account-cards-service.js';
import { CallerLanguages } from './accounts/caller-languages.js';
import { SignInService } from './accounts/sign-in-service.js';
import { AdminTokens } from './admin/admin-tokens.js';
import { CardService } from './cards/card-service.js';
import { Catalog } from './catalog/catalog.js';
import { CatalogService } from './catalog/catalog-service.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { Idempotency } from './guard/idempotency.js';
import { ProbeGuard } from './guard/probe-guard.js';
import { BoardFeed } from './hall/board/board-feed.js';
import { ConsoleService } from './hall/console/console-service.js';
import { CounterRenewalService } from './hall/counter/counter-renewal-service.js';
import { InvoiceService } from './hall/counter/invoice-service.js';
import { HallAdminService } from './hall/hall-admin-service.js';
import { HallLayouts } from './hall/hall-repository.js';
import { QueueService } from './hall/queue/queue-service.js';
import { HallStatsService } from './hall/shifts/hall-stats-service.js';
import { ShiftService } from './hall/shifts/shift-service.js';
import { VoidService } from './hall/shifts/void-service.js';
import { StaffAuthService } from './hall/staff/staff-auth-service.js';
import { Dispatcher, directComposer } from './notify/dispatcher.js';
import { NotificationSettingsStore } from './notify/notification-settings.js';
import { TransportPool } from './notify/transport-pool.js';
import { PaymentService } from './payments/payment-service.js';
import { ProviderPayments } from './payments/provider-payments.js';
import { PaymentProviderStore } from './payments/provider-settings.js';
import { keyringOf } from './platform/master-key.js';
import { Metrics } from './platform/metrics.js';
import type { Keyring } from './platform/sealed.js';
import { loadSecrets, type Secrets } from './platform/secrets.js';
import { SecretsAdmin } from './platform/secrets-admin.js';
import { ReceiptLinker } from './receipts/receipt-links.js';
import { ReceiptNumbering } from './receipts/receipt-numbering.js';
import { type ReceiptPdf, receiptPdfService } from './receipts/receipt-pdf-service.js';
import { ContactService } from './reminders/contact-service.js';
import { ReminderAdmin } from './reminders/reminder-admin.js';
import { ReminderComposer } from './reminders/reminder-messages.js';
import { REMINDER_KIND, ReminderSweeper } from './reminders/reminder-sweep.js';
import { RenewalLinker } from './reminders/renewal-links.js';
import { OrderService } from './renewal/order-service.js';
import { PlanOffers } from './renewal/plan-offers.js';
import { RenewalService } from './renewal/renewal-service.js';
import { type Clock, systemClock } from './shared/clock.js';
import { EventPublisher, WEBHOOK_KIND } from './webhooks/events.js';
import { WebhookAdmin } from './webhooks/webhook-admin.js';
import { WebhookComposer } from './webhooks/webhook-composer.js';
import { WebhookEndpoints } from './webhooks/webhook-endpoints.js';

/** Every repository and service of one deployment, each built once by `createServices`. */
export interface Services {
  db: Db;
  config: Config;
  clock: Clock;
  /** This deployment's process's metrics (its own registry), for /metrics. */
  metrics: Metrics;
  /** The master keys that seal and open the stored secrets. */
  keyring: Keyring;
  secrets: Secrets;
  secretsAdmin: SecretsAdmin;
  catalog: Catalog;
  catalogService: CatalogService;
  cards: CardService;
  renewal: RenewalService;
  planOffers: PlanOffers;
  orders: OrderService;
  payments: PaymentService;
  paymentProviders: PaymentProviderStore;
  providerPayments: ProviderPayments;
  idempotency: Idempotency;
  probes: ProbeGuard;
  tokens: AdminTokens;
  receiptPdf: ReceiptPdf;
  notificationSettings: NotificationSettingsStore;
  renewalLinks: RenewalLinker;
  contacts: ContactService;
  reminders: ReminderSweeper;
  reminderAdmin: ReminderAdmin;
  transports: TransportPool;
  dispatcher: Dispatcher;
  webhookEndpoints: WebhookEndpoints;
  webhookAdmin: WebhookAdmin;
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
  /** The languages callers and operators chose, for the answers that name none. */
  languages: CallerLanguages;
}

/**
 * Loads the deployment's secrets, then builds the services over `db`: repositories first,
 * the services over them. Throws ConfigError without a master key.
 */
export async function createServices(db: Db, config: Config, clock: Clock = systemClock): Promise<Services> {
  const keyring = keyringOf(config);
  const secrets = await loadSecrets(db, keyring, config);
  const metrics = new Metrics(db, clock);
  const catalog = new Catalog(db, clock);
  const catalogService = new CatalogService(db, catalog, clock);
  const links = new ReceiptLinker(secrets.receiptKey, config.publicUrl);
  const probes = new ProbeGuard(db, clock, config.lookupLimits);
  const webhookEndpoints = new WebhookEndpoints(db, clock, keyring);
  const events = new EventPublisher(webhookEndpoints);
  const orders = new OrderService(db, catalog, catalogService, links, clock, events, metrics);
  const notificationSettings = new NotificationSettingsStore(db, clock, keyring);
  const renewalLinks = new RenewalLinker(secrets.linkKey, config.publicUrl);
  const transports = new TransportPool(notificationSettings, { outboxDir: path.join(config.dataDir, 'outbox') });
  const composers = {
    [REMINDER_KIND]: new ReminderComposer(db, catalog, notificationSettings, renewalLinks),
    [WEBHOOK_KIND]: new WebhookComposer(db, catalog, keyring),
    message: directComposer(keyring),
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
  const paymentProviders = new PaymentProviderStore(db, clock, keyring);
  const receipts = new ReceiptNumbering(db, events);
  const payments = new PaymentService(db, catalog, clock, secrets.sandboxSecret, events, receipts, metrics);
  const renewal = new RenewalService(
    db,
    catalog,
    probes,
    clock,
    config.orderTtlMinutes,
    config.sandboxEnabled ? ['sandbox'] : [],
    events,
    paymentProviders,
    metrics,
  );
  return {
    db,
    config,
    clock,
    metrics,
    keyring,
    secrets,
    secretsAdmin: new SecretsAdmin(db, keyring, clock),
    catalog,
    catalogService,
    cards: new CardService(db, catalog, catalogService, clock),
    renewal,
    planOffers: new PlanOffers(db, catalog, renewal, clock),
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
    contacts: new ContactService({ db, catalog, clock, config, renewal, renewalLinks }),
    reminders: new ReminderSweeper(db, catalog, notificationSettings, clock, events),
    reminderAdmin: new ReminderAdmin({ db, catalog, clock, notificationSettings }),
    transports,
    dispatcher,
    webhookEndpoints,
    webhookAdmin: new WebhookAdmin({ db, catalog, clock, webhookEndpoints }),
    events,
    signIn: new SignInService(db, secrets.accountKey, clock, dispatcher, config.defaultOperator, keyring),
    accountCards: new AccountCardsService(db, catalog, renewal, orders, links, clock),
    staffAuth: new StaffAuthService(db, clock),
    hallAdmin: new HallAdminService(db, catalog, clock, layouts),
    boardFeed,
    queue,
    console: new ConsoleService(db, clock, boardFeed, queue),
    counterRenewal: new CounterRenewalService(db, catalog, renewal, clock, boardFeed, receipts, metrics),
    shifts: new ShiftService(db, clock),
    voids: new VoidService(db, clock, events, metrics),
    invoices: new InvoiceService(db, orders, clock),
    hallStats: new HallStatsService(db),
    languages: new CallerLanguages(db, catalog),
  };
}
