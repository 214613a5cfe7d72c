/**
 * Every route of the app, grouped by who calls it: a folder per audience, and each group
 * guarded here, once, by one mechanism.
 *
 *   public/      anyone: the subscriber's renewal, receipts, the kiosk and board, sign-in
 *                pages and checkout. No session; limits count by address, and a link's
 *                token or signature is its own proof.
 *   subscriber/  a signed-in subscriber: the session cookie (requireSubscriber).
 *   console/     staff at a hall: the staff session, X-CSRF-Token on writes (requireStaff).
 *   admin/       the operator's admins: an admin bearer token, or an operator admin's staff
 *                session (requireAdmin).
 *   provider/    the payment providers' callbacks, each verified by its signature.
 *   monitoring/  the operator's Prometheus: the metrics token (requireMetricsToken).
 *
 * Each route module receives only the services it uses; each group has its body size and
 * time limits (http/limits.ts).
 */
import type { FastifyInstance } from 'fastify';
import { applyLimits, LIMITS } from '../http/limits.js';
import type { Services } from '../services.js';
import { cardRoutes } from './admin/card-routes.js';
import { catalogRoutes } from './admin/catalog-routes.js';
import { requireAdmin } from './admin/guard.js';
import { hallAdminRoutes } from './admin/hall-routes.js';
import { adminOrderRoutes } from './admin/order-routes.js';
import { providerAdminRoutes } from './admin/payment-provider-routes.js';
import { reminderRoutes } from './admin/reminder-routes.js';
import { secretsRoutes } from './admin/secrets-routes.js';
import { webhookRoutes } from './admin/webhook-routes.js';
import { requireStaff } from './console/guard.js';
import { consoleRoutes } from './console/queue-routes.js';
import { counterRoutes } from './console/renewal-routes.js';
import { shiftRoutes } from './console/shift-routes.js';
import { staffRoutes } from './console/staff-routes.js';
import { requireMetricsToken } from './monitoring/guard.js';
import { metricsRoutes } from './monitoring/metrics-routes.js';
import { notificationRoutes } from './provider/notification-routes.js';
import { sandboxRoutes } from './provider/sandbox-routes.js';
import { checkoutRoutes } from './public/checkout-routes.js';
import { healthRoutes } from './public/health-routes.js';
import { queueRoutes } from './public/queue-routes.js';
import { receiptRoutes } from './public/receipt-routes.js';
import { subscriberReminderRoutes } from './public/reminder-routes.js';
import { renewalRoutes } from './public/renewal-routes.js';
import { sandboxCheckoutRoutes } from './public/sandbox-checkout-routes.js';
import { signInRoutes } from './public/sign-in-routes.js';
import { staffLoginRoutes } from './public/staff-login-routes.js';
import { accountRoutes } from './subscriber/account-routes.js';
import { requireSubscriber } from './subscriber/guard.js';

export async function mountRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(publicRoutes, services);
  await app.register(subscriberRoutes, services);
  await app.register(consoleGroup, services);
  await app.register(adminRoutes, services);
  await app.register(providerRoutes, services);
  await app.register(monitoringRoutes, services);
  app.addHook('onClose', () => services.boardFeed.close());
}

async function publicRoutes(app: FastifyInstance, services: Services): Promise<void> {
  applyLimits(app, LIMITS.public);
  const { config, db, renewal, planOffers, orders, idempotency, receiptPdf, probes, contacts, signIn } = services;
  const { payments, secrets, clock, providerPayments, staffAuth, hallAdmin, queue, boardFeed } = services;
  await app.register(healthRoutes, { db });
  await app.register(renewalRoutes, { renewal, planOffers, orders, idempotency, receiptPdf, probes, config });
  await app.register(subscriberReminderRoutes, { contacts });
  await app.register(signInRoutes, { signIn, config });
  await app.register(receiptRoutes, { orders });
  await app.register(queueRoutes, { queue, boardFeed });
  await app.register(staffLoginRoutes, { staffAuth, hallAdmin, config });
  await app.register(checkoutRoutes, { providerPayments });
  // The sandbox pays without money: off unless the demo or SIMKEEP_SANDBOX_ENABLED turns it on.
  if (config.sandboxEnabled) await app.register(sandboxCheckoutRoutes, { payments, orders, secrets, clock });
}

async function subscriberRoutes(app: FastifyInstance, services: Services): Promise<void> {
  applyLimits(app, LIMITS.subscriber);
  const { signIn, accountCards, config } = services;
  requireSubscriber(app, signIn, config.publicUrl);
  await app.register(accountRoutes, { accountCards });
}

async function consoleGroup(app: FastifyInstance, services: Services): Promise<void> {
  applyLimits(app, LIMITS.console);
  const { config, staffAuth, hallAdmin, idempotency, receiptPdf } = services;
  const { console: counterConsole, counterRenewal, invoices, shifts, voids, hallStats } = services;
  requireStaff(app, staffAuth, config.publicUrl);
  await app.register(staffRoutes, { staffAuth, hallAdmin, config });
  await app.register(consoleRoutes, { console: counterConsole });
  await app.register(counterRoutes, { counterRenewal, invoices, idempotency, receiptPdf });
  await app.register(shiftRoutes, { shifts, voids, hallStats });
}

async function adminRoutes(app: FastifyInstance, services: Services): Promise<void> {
  applyLimits(app, LIMITS.admin);
  const { config, tokens, staffAuth, catalogService, cards, orders, reminderAdmin, webhookAdmin, providerPayments, hallAdmin, secretsAdmin } = services;
  requireAdmin(app, tokens, staffAuth, config.publicUrl);
  await app.register(catalogRoutes, { catalogService });
  await app.register(cardRoutes, { cards });
  await app.register(adminOrderRoutes, { orders });
  await app.register(reminderRoutes, { reminderAdmin });
  await app.register(webhookRoutes, { webhookAdmin });
  await app.register(providerAdminRoutes, { providerPayments });
  await app.register(hallAdminRoutes, { hallAdmin });
  await app.register(secretsRoutes, { secretsAdmin });
}

async function providerRoutes(app: FastifyInstance, services: Services): Promise<void> {
  applyLimits(app, LIMITS.provider);
  const { config, payments, providerPayments } = services;
  await app.register(notificationRoutes, { providerPayments });
  if (config.sandboxEnabled) await app.register(sandboxRoutes, { payments });
}

async function monitoringRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config, metrics } = services;
  requireMetricsToken(app, config.metricsToken);
  await app.register(metricsRoutes, { metrics });
}
