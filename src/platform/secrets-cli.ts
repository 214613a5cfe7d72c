/**
 * `simkeep secrets …`: make a master key, count the stored secrets by the key they are
 * sealed under, and seal them again under the current key (rotation, and the sealing of
 * secrets stored in clear before sealing existed). None of them prints a secret.
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { type Db, migrate, openDatabase } from '../db/database.js';
import { systemClock } from '../shared/clock.js';
import { keyringOf, newMasterKey } from './master-key.js';
import type { Keyring } from './sealed.js';
import { IN_CLEAR, rotateSecrets, secretsStatus } from './secret-rotation.js';

async function withDatabase<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(loadConfig().databaseUrl, { poolSize: 1 });
  try {
    await migrate(db);
    return await run(db);
  } finally {
    await db.close();
  }
}

export function registerSecretsCommands(program: Command): void {
  const secrets = program.command('secrets').description('the master key and the secrets stored sealed under it');
  secrets
    .command('new-key')
    .description('print a fresh master key (32 random bytes, base64url) on stdout, and how to use it on stderr')
    .action(() => {
      process.stdout.write(`${newMasterKey()}\n`);
      process.stderr.write(
        'keep it where the database and its backups are not (a secret store, a root-only file); then either\n' +
          '  SIMKEEP_MASTER_KEY=<the key>    or    SIMKEEP_MASTER_KEY_FILE=/run/secrets/simkeep_master_key\n' +
          'to replace a key in use: the new one in SIMKEEP_MASTER_KEY, the old in SIMKEEP_MASTER_KEY_PREVIOUS, then run `simkeep secrets rotate`\n',
      );
    });
  secrets
    .command('status')
    .description('how many stored secrets sit under each master key id (never a value)')
    .action(async () => {
      const keyring = keyringOrNone();
      const rows = await withDatabase(secretsStatus);
      console.log(keyring ? `master key ${keyring.ids[0]} seals; opening too: ${keyring.ids.slice(1).join(', ') || 'none'}` : 'no master key is configured');
      for (const { kind, byKey } of rows) {
        const counts = Object.entries(byKey).map(([keyId, n]) => `${keyId === IN_CLEAR ? 'in clear' : keyId}: ${n}${note(keyring, keyId)}`);
        console.log(`  ${kind.padEnd(28)} ${counts.join(', ') || 'none stored'}`);
      }
    });
  secrets
    .command('rotate')
    .description('seal every stored secret not under SIMKEEP_MASTER_KEY (older keys, or in clear) with it; safe beside running servers, idempotent')
    .action(async () => {
      const keyring = keyringOf(loadConfig());
      const results = await withDatabase((db) => rotateSecrets(db, keyring, systemClock.now()));
      for (const r of results) {
        console.log(
          `  ${r.kind.padEnd(28)} ${r.resealed} sealed again, ${r.current} already under ${keyring.currentId}${r.changedMeanwhile ? `, ${r.changedMeanwhile} changed meanwhile (run again)` : ''}`,
        );
      }
      if (results.some((r) => r.wereInClear > 0)) console.log('secrets that were stored in clear are sealed');
      if (results.some((r) => r.resealed > 0)) console.log('the tables were rewritten without the old copies');
      const pending = results.reduce((sum, r) => sum + r.changedMeanwhile, 0);
      console.log(
        pending === 0
          ? `every stored secret is sealed under ${keyring.currentId}: SIMKEEP_MASTER_KEY_PREVIOUS may go once every process runs with this key`
          : 'some rows changed while rotating: run `simkeep secrets rotate` again',
      );
    });
}

function keyringOrNone(): Keyring | undefined {
  try {
    return keyringOf(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

function note(keyring: Keyring | undefined, keyId: string): string {
  if (keyId === IN_CLEAR) return ' (`simkeep secrets rotate` seals them)';
  if (!keyring) return '';
  if (keyId === keyring.currentId) return '';
  return keyring.ids.includes(keyId) ? ' (an older key: rotate)' : ' (no configured key opens these)';
}
