/**
 * Runs the HTTP server: opens and migrates the database, optionally seeds the demo,
 * serves, and runs the housekeeping sweeper (stores expired orders, numbers receipts a
 * crash left unnumbered, forgets old failed attempts and idempotency keys) until SIGINT/SIGTERM.
 */
import { buildApp, createServices } from './app.js';
import type { Config } from './config.js';
import { migrate, openDatabase } from './db/database.js';
import { seedDemo } from './platform/demo-seed.js';
import { maskMsisdn } from './shared/msisdn.js';

const SWEEP_INTERVAL_MS = 60_000;

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  const db = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrate(db);
  const services = await createServices(db, config);
  const app = await buildApp(services, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["simkeep-signature"]'] },
    trustProxy: config.trustProxy,
  });
  if (options.demo) {
    const demo = await seedDemo(services);
    const lines = demo.cards.map(
      (c) => `  ${c.msisdn.padEnd(15)} ICCID ${c.iccid}  (${c.label || 'card'}, valid until ${c.validUntil}; shown as ${maskMsisdn(c.msisdn)})`,
    );
    process.stdout.write(
      `\nsimkeep demo ${demo.created ? 'seeded' : 'already seeded'}: operator "demo", plans m1 m3 y1 (online) d7 (counter), coupons SAVE5 BONUS7 (SUMMER has expired)\n${lines.join('\n')}\n\n`,
    );
  }
  const sweep = async () => {
    try {
      await services.orders.expireOverdue();
      await services.orders.numberPendingReceipts();
      await services.probes.prune();
      await services.idempotency.prune();
    } catch (error) {
      app.log.warn({ err: error }, 'housekeeping sweep failed; will retry');
    }
  };
  const timer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  timer.unref();
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`simkeep listening on ${config.publicUrl} (API docs at ${config.publicUrl}/docs)\n`);

  const stop = async () => {
    clearInterval(timer);
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
