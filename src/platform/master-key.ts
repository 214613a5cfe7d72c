/**
 * The deployment's master keys, from SIMKEEP_MASTER_KEY or the file SIMKEEP_MASTER_KEY_FILE
 * names, and the older ones of SIMKEEP_MASTER_KEY_PREVIOUS: the keyring that seals and
 * opens stored secrets (sealed.ts). Without a master key nothing that uses the database
 * starts, and the message says how to make one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type Config, ConfigError } from '../config.js';
import { SettingProblem } from '../setting-kinds.js';
import { DEMO_MASTER_KEY, masterKeyText } from '../settings.js';
import { Keyring, keyIdOf, MASTER_KEY_BYTES } from './sealed.js';

export type MasterKeySettings = Pick<Config, 'masterKey' | 'masterKeyFile' | 'masterKeyPrevious'>;

export const HOW_TO_MAKE_A_KEY =
  'make one with `simkeep secrets new-key`, then set SIMKEEP_MASTER_KEY to it, or SIMKEEP_MASTER_KEY_FILE to a file holding it ' +
  '(a Docker or Kubernetes secret); keep it out of the database and its backups';

/** The keyring of the settings; throws ConfigError when there is no usable master key. */
export function keyringOf(settings: MasterKeySettings): Keyring {
  const previous = settings.masterKeyPrevious.map(keyBytes);
  return new Keyring(keyBytes(currentKeyText(settings)), previous);
}

function currentKeyText(settings: MasterKeySettings): string {
  const file = settings.masterKeyFile;
  // `serve --demo` fills SIMKEEP_MASTER_KEY with the demo key; a key file given still wins.
  const fromEnvironment = settings.masterKey === DEMO_MASTER_KEY && file !== undefined ? undefined : settings.masterKey;
  if (fromEnvironment !== undefined && file !== undefined)
    throw new ConfigError(['SIMKEEP_MASTER_KEY and SIMKEEP_MASTER_KEY_FILE are both set: keep one of them']);
  if (fromEnvironment !== undefined) return fromEnvironment;
  if (file === undefined) {
    throw new ConfigError([
      `SIMKEEP_MASTER_KEY is unset: simkeep seals the secrets it stores (payment providers' keys, transport passwords, webhook secrets) with a master key; ${HOW_TO_MAKE_A_KEY}. (\`serve --demo\` uses a published demo key.)`,
    ]);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError([`SIMKEEP_MASTER_KEY_FILE=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return masterKeyText(text, `SIMKEEP_MASTER_KEY_FILE=${JSON.stringify(file)}`);
  } catch (error) {
    if (error instanceof SettingProblem) throw new ConfigError([error.message]);
    throw error;
  }
}

const keyBytes = (text: string) => Buffer.from(text, 'base64');

/** The key id of the demo's published key, which the server warns of. */
export const demoKeyId = () => keyIdOf(keyBytes(DEMO_MASTER_KEY));

/** A fresh master key, base64url. */
export function newMasterKey(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64url');
}
