/**
 * `simkeep hall …` and `simkeep staff …`: setting a hall up from the command line, with the
 * same service methods (and audit entries) as the admin API, acting as the CLI.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { StaffRole } from '../db/hall-schema.js';
import type { Services } from '../services.js';
import type { HallActor } from './hall-access.js';

type WithServices = <T>(run: (services: Services) => Promise<T>) => Promise<T>;

const CLI: HallActor = { kind: 'admin', principal: { tokenId: 'cli', operatorId: null }, ip: 'cli' };
const ROLES: StaffRole[] = ['clerk', 'supervisor', 'operator_admin'];

export function registerHallCommands(program: Command, withServices: WithServices, usage: (message: string) => Error): void {
  const hall = program.command('hall').description('service halls: halls, services, counters');
  hall
    .command('create')
    .description('create a hall (prints its id)')
    .requiredOption('--operator <code>', 'the operator')
    .requiredOption('--name <name>', 'the hall’s name')
    .requiredOption('--address <address>', 'its address')
    .option('--time-zone <zone>', 'IANA zone (default: the operator’s)')
    .option('--max-recalls <n>', 'recalls before a no-show', '2')
    .action(async (o: { operator: string; name: string; address: string; timeZone?: string; maxRecalls: string }) =>
      withServices(async ({ hallAdmin }) => {
        const maxRecalls = Number(o.maxRecalls);
        if (!Number.isInteger(maxRecalls) || maxRecalls < 0 || maxRecalls > 10) throw usage('--max-recalls must be a whole number from 0 to 10');
        const created = await hallAdmin.createHall(CLI, o.operator, { name: o.name, address: o.address, timeZone: o.timeZone, maxRecalls });
        console.log(`hall ${created.id} created (${created.timeZone})`);
      }),
    );
  hall
    .command('list')
    .description('list an operator’s halls with their services and counters')
    .requiredOption('--operator <code>', 'the operator')
    .action(async (o: { operator: string }) =>
      withServices(async ({ hallAdmin }) => {
        for (const h of (await hallAdmin.halls(CLI, o.operator)).halls) {
          console.log(`${h.id}  ${h.name}  (${h.timeZone})`);
          for (const s of h.services) console.log(`  service ${s.code}  prefix ${s.ticketPrefix}  ${s.name['zh-CN']} / ${s.name.en}`);
          for (const c of h.counters) console.log(`  counter ${c.name}  ${c.id}  ${c.status}  serves ${c.services.join(', ') || '-'}`);
        }
      }),
    );
  hall
    .command('service <hallId>')
    .description('add a service with its ticket prefix')
    .requiredOption('--code <code>', 'e.g. renewal')
    .requiredOption('--prefix <letters>', 'ticket prefix, e.g. A')
    .requiredOption('--name-zh <name>', 'Chinese name')
    .requiredOption('--name-en <name>', 'English name')
    .action(async (hallId: string, o: { code: string; prefix: string; nameZh: string; nameEn: string }) =>
      withServices(async ({ hallAdmin }) => {
        await hallAdmin.createService(CLI, hallId, { code: o.code, ticketPrefix: o.prefix, name: { 'zh-CN': o.nameZh, en: o.nameEn } });
        console.log(`service ${o.code} (prefix ${o.prefix}) added`);
      }),
    );
  hall
    .command('counter <hallId>')
    .description('add a counter and the services it serves')
    .requiredOption('--name <name>', 'e.g. 3')
    .option('--services <codes>', 'comma-separated service codes', '')
    .action(async (hallId: string, o: { name: string; services: string }) =>
      withServices(async ({ hallAdmin }) => {
        const services = o.services
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const layout = await hallAdmin.createCounter(CLI, hallId, { name: o.name, services });
        console.log(`counter ${o.name} added: ${layout.counters.find((c) => c.name === o.name)?.id}`);
      }),
    );

  program
    .command('staff')
    .description('staff accounts')
    .command('create')
    .description('create a staff account; the password is read from SIMKEEP_STAFF_PASSWORD')
    .requiredOption('--operator <code>', 'the operator')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--hall <id>', 'the hall (clerk and supervisor)')
    .option('--display-name <name>', 'shown on the console')
    .action(async (o: { operator: string; username: string; role: string; hall?: string; displayName?: string }) => {
      if (!ROLES.includes(o.role as StaffRole)) throw usage(`--role must be one of ${ROLES.join(', ')}`);
      // Not an option: a password on the command line lands in the shell history and `ps`.
      const password = loadConfig().staffPassword;
      if (!password) throw usage('set SIMKEEP_STAFF_PASSWORD to the new account’s password (at least 10 characters)');
      await withServices(async ({ hallAdmin }) => {
        const staff = await hallAdmin.createStaff(CLI, o.operator, {
          username: o.username,
          displayName: o.displayName ?? o.username,
          role: o.role as StaffRole,
          hall: o.hall,
          password,
        });
        console.log(`staff ${staff.username} (${staff.role}) created: ${staff.id}`);
      });
    });
}
