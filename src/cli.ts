#!/usr/bin/env node
/**
 * The `simkeep` command: serve, migrate, seed, admin tokens, card import, config, secrets. The
 * configuration comes from the environment (see settings.ts); mistakes are reported as
 * sentences that say what to fix, never as stack traces, a domain error's in the terminal's
 * language (shared/terminal-language.ts).
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { buildApp, startMetricsListener } from './app.js';
import { isValidDate } from './cards/calendar.js';
import { operatorCodes } from './catalog/catalog-repository.js';
import { ConfigError, loadConfig, redactUrl } from './config.js';
import { migrate, openDatabase } from './db/database.js';
import { registerHallCommands } from './hall/hall-cli.js';
import { seedDemoHall } from './platform/demo-hall-seed.js';
import { seedDemo } from './platform/demo-seed.js';
import { runJobsOnce, startJobs } from './platform/jobs.js';
import { keyringOf } from './platform/master-key.js';
import { registerSecretsCommands } from './platform/secrets-cli.js';
import { serve } from './server.js';
import { createServices, type Services } from './services.js';
import { effectiveSettings, effectiveSettingsText } from './settings-report.js';
import { DomainError } from './shared/errors.js';
import { terminalLanguage } from './shared/terminal-language.js';

class UsageError extends Error {}

async function withServices<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  keyringOf(config);
  const db = openDatabase(config.databaseUrl, { poolSize: 4 });
  try {
    await migrate(db);
    return await run(await createServices(db, config));
  } finally {
    await db.close();
  }
}

const program = new Command();
program.name('simkeep').description('Renewals for number-keeping SIM plans').showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP server (applies migrations first)')
  .option('--demo', 'seed the demo operator, plans and cards if they are missing, and switch the sandbox payment provider on')
  .action(async (options: { demo?: boolean }) => {
    const demo = options.demo === true;
    await serve(loadConfig(process.env, { demo }), { demo });
  });

program
  .command('config')
  .description('print the effective settings, where each comes from (environment, demo or default), secrets masked')
  .option('--json', 'as JSON')
  .option('--demo', 'as `serve --demo` would have them')
  .action((options: { json?: boolean; demo?: boolean }) => {
    const rows = effectiveSettings(process.env, { demo: options.demo === true });
    console.log(options.json ? JSON.stringify(rows, null, 2) : effectiveSettingsText(rows));
  });

program
  .command('worker')
  .description('run the scheduled jobs (reminders, message dispatch, housekeeping) without serving HTTP')
  .option('--once', 'run them once and exit')
  .action(async (options: { once?: boolean }) => {
    if (options.once) return withServices(async (services) => runJobsOnce(services).finally(() => services.transports.close()));
    const config = loadConfig();
    keyringOf(config);
    const db = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs });
    await migrate(db);
    const services = await createServices(db, config);
    const jobs = startJobs(services, { warn: (obj, msg) => console.error(msg, obj) });
    const metricsListener = await startMetricsListener(services.metrics, config);
    console.log('simkeep worker running the scheduled jobs every minute');
    if (metricsListener.url) console.log(`metrics at ${metricsListener.url}`);
    const stop = async () => {
      jobs.stop();
      await metricsListener.close();
      await services.transports.close();
      await db.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('openapi')
  .description('print the OpenAPI document of the HTTP API (JSON)')
  .action(async () => {
    const db = openDatabase('sqlite://:memory:');
    try {
      await migrate(db);
      // The whole API, the demo's sandbox provider included.
      const app = await buildApp(await createServices(db, loadConfig({}, { demo: true })), { web: false });
      await app.ready();
      process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`);
      await app.close();
    } finally {
      await db.close();
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const db = openDatabase(config.databaseUrl, { poolSize: 1 });
    try {
      const applied = await migrate(db);
      console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : `up to date (${redactUrl(config.databaseUrl)})`);
    } finally {
      await db.close();
    }
  });

program
  .command('seed')
  .description('load seed data')
  .option('--demo', 'the demo operator, its plans, coupons and cards in every status')
  .action(async (options: { demo?: boolean }) => {
    if (!options.demo) throw new UsageError('say what to seed: simkeep seed --demo');
    await withServices(async (services) => {
      const demo = await seedDemo(services);
      console.log(demo.created ? 'demo data seeded:' : 'demo data was already there:');
      for (const card of demo.cards) console.log(`  ${card.msisdn}  ${card.iccid}  ${card.label}  valid until ${card.validUntil}`);
      const hall = await seedDemoHall(services);
      console.log(`demo service hall ${hall.id} (pages /halls/${hall.id}/kiosk, /board, /join):`);
      for (const s of hall.staff) console.log(`  ${s.role}  ${s.username}  password ${s.password}`);
    });
  });

const tokens = program.command('admin-token').description('manage admin bearer tokens');
tokens
  .command('create')
  .description('create a token (printed once; store it safely)')
  .requiredOption('--name <name>', 'who or what the token is for')
  .option('--operator <code>', 'limit the token to one operator')
  .action(async (options: { name: string; operator?: string }) =>
    withServices(async ({ tokens: adminTokens }) => {
      const { id, token } = await adminTokens.create(options.name, options.operator);
      console.log(`token ${id} created${options.operator ? ` for operator ${options.operator}` : ''}; it is shown only now:\n${token}`);
    }),
  );
tokens
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () =>
    withServices(async ({ tokens: adminTokens }) => {
      const rows = await adminTokens.list();
      if (rows.length === 0) console.log('no tokens; create one with: simkeep admin-token create --name NAME');
      for (const t of rows)
        console.log(`${t.id}  ${t.name}  operator=${t.operator ?? '*'}  created ${t.created_at}${t.revoked_at ? `  revoked ${t.revoked_at}` : ''}`);
    }),
  );
tokens
  .command('revoke <id>')
  .description('revoke a token by its id (see list)')
  .action(async (id: string) =>
    withServices(async ({ tokens: adminTokens }) => {
      if (!(await adminTokens.revoke(id))) throw new UsageError(`no active token has the id ${id}; see: simkeep admin-token list`);
      console.log(`token ${id} revoked`);
    }),
  );

program
  .command('cards')
  .description('card bulk operations')
  .command('import <file>')
  .description('import cards from a CSV file with the header msisdn,iccid,validUntil')
  .requiredOption('--operator <code>', 'the operator the cards belong to')
  .action(async (file: string, options: { operator: string }) => {
    if (!fs.existsSync(file)) throw new UsageError(`no file at ${file}`);
    await withServices(async (services) => {
      const operator = await services.catalog.operatorByCode(options.operator);
      if (!operator) throw new UsageError(`no operator has the code "${options.operator}"`);
      const { runImport } = await import('./cards/card-import-cli.js');
      await runImport(services.db, operator, file);
    });
  });

program
  .command('reminders')
  .description("show (and unless --dry-run, enqueue) one local day's reminders")
  .requiredOption('--date <YYYY-MM-DD>', "the day, in each operator's time zone")
  .option('--operator <code>', 'only this operator')
  .option('--dry-run', 'print what would be sent; change nothing')
  .action(async (options: { date: string; operator?: string; dryRun?: boolean }) => {
    if (!isValidDate(options.date)) throw new UsageError(`--date must be a calendar date like 2026-12-01, not "${options.date}"`);
    await withServices(async (services) => {
      const codes = options.operator ? [options.operator] : await operatorCodes(services.db.kysely);
      const operators = [];
      for (const code of codes) {
        const operator = await services.catalog.operatorByCode(code);
        if (!operator) throw new UsageError(`no operator has the code "${code}"`);
        operators.push(operator);
      }
      const { runReminders } = await import('./reminders/reminder-cli.js');
      await runReminders(services, operators, options.date, options.dryRun === true);
    });
  });

registerHallCommands(program, withServices, (message) => new UsageError(message));
registerSecretsCommands(program);

function explain(error: unknown): string {
  if (error instanceof ConfigError) return `${error.message}\nfix the environment variables above and run again.`;
  if (error instanceof UsageError) return `error: ${error.message}`;
  if (error instanceof DomainError) return `error: ${error.messageIn(terminalLanguage(process.env))}`;
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'error: cannot reach the database; check DATABASE_URL and that the server is running.';
  if (code === '28P01') return 'error: the database refused the password in DATABASE_URL.';
  if (code === '3D000') return 'error: the database named in DATABASE_URL does not exist; create it first.';
  return `error: ${(error as Error).message ?? String(error)}`;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(explain(error));
  process.exit(1);
});
