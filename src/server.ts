/**
 * Runs the HTTP server: checks for a master key, opens and migrates the database, optionally seeds the demo, warns
 * when the sandbox payment provider is on, serves, and runs the scheduled jobs
 * (platform/jobs.ts) unless SIMKEEP_JOBS=false, until SIGINT/SIGTERM.
 */
import { buildApp, startMetricsListener } from './app.js';
import type { Config } from './config.js';
import { migrate, openDatabase } from './db/database.js';
import { requestLogOptions } from './http/request-log.js';
import { seedDemoHall } from './platform/demo-hall-seed.js';
import { seedDemo } from './platform/demo-seed.js';
import { startJobs } from './platform/jobs.js';
import { demoKeyId, keyringOf } from './platform/master-key.js';
import { createServices } from './services.js';
import { SETTINGS } from './settings.js';
import { maskMsisdn } from './shared/msisdn.js';

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  // Without a master key, stop before touching the database (createServices checks it too).
  const keyring = keyringOf(config);
  const db = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs });
  await migrate(db);
  const services = await createServices(db, config);
  if (config.metricsToken !== undefined) services.metrics.withProcessMetrics();
  const app = await buildApp(services, {
    logger: requestLogOptions(config.logLevel),
  });
  await services.transports.logTo(app.log);
  if (config.sandboxEnabled) {
    app.log.warn(
      { setting: 'SIMKEEP_SANDBOX_ENABLED', demo: options.demo },
      'THE SANDBOX PAYMENT PROVIDER IS ON: anyone can renew a card without paying. It is for the demo and tests only; in production leave SIMKEEP_SANDBOX_ENABLED unset (or false) and do not serve --demo.',
    );
  }
  if (keyring.currentId === demoKeyId()) {
    app.log.warn(
      { setting: 'SIMKEEP_MASTER_KEY', keyId: keyring.currentId },
      'STORED SECRETS ARE SEALED UNDER THE PUBLISHED DEMO MASTER KEY: for the demo only; in production make a key with `simkeep secrets new-key`.',
    );
  }
  if (options.demo) {
    const demo = await seedDemo(services);
    const lines = demo.cards.map(
      (c) => `  ${c.msisdn.padEnd(15)} ICCID ${c.iccid}  (${c.label || 'card'}, valid until ${c.validUntil}; shown as ${maskMsisdn(c.msisdn)})`,
    );
    process.stdout.write(
      `\nsimkeep demo ${demo.created ? 'seeded' : 'already seeded'}: operator "demo", plans m1 m3 y1 (online) d7 (counter), coupons SAVE5 BONUS7 (SUMMER has expired)\n${lines.join('\n')}\n\n`,
    );
    const hall = await seedDemoHall(services);
    const hallUrl = `${config.publicUrl}/halls/${hall.id}`;
    const staff = hall.staff.map((s) => `  ${s.role.padEnd(10)} ${s.username.padEnd(12)} password ${s.password}`);
    process.stdout.write(
      `demo service hall: kiosk ${hallUrl}/kiosk  board ${hallUrl}/board  join ${hallUrl}/join\n` +
        `  staff sign-in ${config.publicUrl}/staff/login\n${staff.join('\n')}\n\n`,
    );
    // The demo's own token only: a token set in the environment is a secret, never printed.
    if (config.metricsToken !== undefined && config.metricsToken === SETTINGS.metricsToken.demo) {
      process.stdout.write(`demo metrics: curl -H 'Authorization: Bearer ${config.metricsToken}' ${config.publicUrl}/metrics\n\n`);
    }
  }
  const jobs = config.jobs ? startJobs(services, app.log) : undefined;
  await app.listen({ port: config.port, host: config.host });
  const metricsListener = await startMetricsListener(services.metrics, config);
  process.stdout.write(`simkeep listening on ${config.publicUrl} (API docs at ${config.publicUrl}/docs)\n`);
  if (metricsListener.url) process.stdout.write(`metrics at ${metricsListener.url}\n`);

  const stop = async () => {
    jobs?.stop();
    await services.transports.close();
    await metricsListener.close();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
