/**
 * Configuration: the settings declared in settings.ts, read from the environment and
 * validated once at start. A bad value stops the process with a message that says which
 * variable to fix and how, every bad value at once.
 */
import type { Setting } from './setting-kinds.js';
import { SettingProblem } from './setting-kinds.js';
import { SETTINGS, type SettingKey, type SettingValues } from './settings.js';

export { redactUrl, type TrustProxy } from './settings.js';

export interface LookupLimits {
  /**
   * Failed lookups allowed for a number from one source within the window; also the
   * number-wide limit of the short (last 6 digits) proof.
   */
  perMsisdn: number;
  /** Failed lookups allowed from one source (an IPv4 address, an IPv6 /64) within the window. */
  perIp: number;
  /** Window over which failures are counted, and the length of the lockout, in minutes. */
  windowMinutes: number;
  /** Remote queue joins allowed per hall and client IP within the same window. */
  joinsPerIp: number;
}

type LookupSettings = 'lookupMaxPerMsisdn' | 'lookupMaxPerIp' | 'lookupWindowMinutes' | 'joinMaxPerIp';

/** Each setting under its key in settings.ts (see there what it means), the anti-probing limits as one object. */
export type Config = Omit<SettingValues, LookupSettings> & { lookupLimits: LookupLimits };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** `serve --demo`: the demo's values (the sandbox provider on) for the settings the environment leaves unset. */
  demo?: boolean;
}

/** Where a setting's value came from. */
export type SettingSource = 'environment' | 'demo' | 'default';

/** Every setting's value and where it came from; throws ConfigError listing every bad value. */
export function readSettings(env: Env = process.env, options: LoadOptions = {}): { values: SettingValues; sources: Record<SettingKey, SettingSource> } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const [key, setting] of Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][]) {
    // An empty variable counts as unset, as `FOO= simkeep serve` means.
    const raw = env[setting.env] === '' ? undefined : env[setting.env];
    const fromDemo = raw === undefined && options.demo === true && setting.demo !== undefined;
    sources[key] = raw !== undefined ? 'environment' : fromDemo ? 'demo' : 'default';
    try {
      values[key] = fromDemo ? setting.demo : setting.read(raw, values);
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      problems.push(error.message);
      // Carry on with the default, so the settings derived from this one are checked too.
      values[key] = setting.read(undefined, values);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { values: values as SettingValues, sources };
}

export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Config {
  const { lookupMaxPerMsisdn, lookupMaxPerIp, lookupWindowMinutes, joinMaxPerIp, ...rest } = readSettings(env, options).values;
  return { ...rest, lookupLimits: { perMsisdn: lookupMaxPerMsisdn, perIp: lookupMaxPerIp, windowMinutes: lookupWindowMinutes, joinsPerIp: joinMaxPerIp } };
}
