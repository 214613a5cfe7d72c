/**
 * The kinds of setting settings.ts declares (whole numbers in a range, switches, text,
 * secrets, one of a list): each knows how to read its variable, what to say when a value
 * will not do, and how the README states its kind and default.
 */

export const GROUPS = {
  server: 'Server',
  database: 'Database',
  secrets: 'Secrets and tokens',
  payments: 'Orders and the sandbox provider',
  'anti-probing': 'Anti-probing',
  jobs: 'Scheduled jobs and messages',
  logging: 'Logging',
  metrics: 'Metrics',
  commands: 'Commands',
} as const;
export type SettingGroup = keyof typeof GROUPS;

/** A value that will not do; the message names the variable and says what to write instead. */
export class SettingProblem extends Error {}

/** The values read before this one, for a default that derives from another setting. */
export type Earlier = Readonly<Record<string, unknown>>;

export interface Setting<T> {
  /** The environment variable. */
  env: string;
  group: SettingGroup;
  /** What it does, in one line of English: the README's "meaning". */
  description: string;
  /** The kind of value, as the README states it (Markdown). */
  kind: string;
  /** The default, as the README states it (Markdown). */
  defaultText: string;
  /** Masked wherever it is shown. */
  secret: boolean;
  /** The value `serve --demo` takes while the variable is unset. */
  demo?: T;
  /** The value of the variable's text (`undefined`: unset or empty); throws SettingProblem for one that will not do. */
  read(raw: string | undefined, earlier: Earlier): T;
  /** The value as `simkeep config` may show it (a URL's password masked). */
  redact?(value: T): T;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;

interface Base {
  env: string;
  group: SettingGroup;
  description: string;
}

const code = (value: unknown) => `\`${String(value)}\``;
/** 60000 as "60 000", the way the README writes large numbers. */
const grouped = (n: number) => (n >= 10_000 ? n.toLocaleString('en-US').replaceAll(',', ' ') : String(n));

export function integer(spec: Base & { default: number; min: number; max: number; unit?: string }): Setting<number> {
  const { default: fallback, min, max, unit, ...base } = spec;
  return {
    ...base,
    kind: `${unit ?? 'whole number'}, ${grouped(min)}–${grouped(max)}`,
    defaultText: code(fallback),
    secret: false,
    read: (raw) => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max)
        throw new SettingProblem(`${base.env}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
      return value;
    },
  };
}

export function flag(spec: Base & { default: boolean; demo?: boolean; defaultText?: string }): Setting<boolean> {
  const { default: fallback, defaultText, ...base } = spec;
  return {
    ...base,
    kind: '`true` or `false` (`1`, `0`)',
    defaultText: defaultText ?? code(fallback),
    secret: false,
    read: (raw) => {
      if (raw === undefined) return fallback;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new SettingProblem(`${base.env}=${JSON.stringify(raw)}: expected true or false`);
    },
  };
}

export function text(spec: Base & { default: string; kind?: string }): Setting<string> {
  const { default: fallback, kind, ...base } = spec;
  return { ...base, kind: kind ?? 'text', defaultText: code(fallback), secret: false, read: (raw) => raw ?? fallback };
}

export function optionalText(spec: Base & { defaultText: string; kind?: string }): Setting<string | undefined> {
  const { kind, ...base } = spec;
  return { ...base, kind: kind ?? 'text', secret: false, read: (raw) => raw };
}

export function oneOf<const C extends string>(spec: Base & { choices: readonly C[]; default: C }): Setting<C> {
  const { choices, default: fallback, ...base } = spec;
  const quoted = choices.map(code);
  return {
    ...base,
    kind: `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`,
    defaultText: code(fallback),
    secret: false,
    read: (raw) => {
      if (raw === undefined) return fallback;
      if (!(choices as readonly string[]).includes(raw)) throw new SettingProblem(`${base.env}=${JSON.stringify(raw)}: expected one of ${choices.join(', ')}`);
      return raw as C;
    },
  };
}

/** A key or password: never shown, and (with `minLength`) refused when too short to be one. */
export function secret(spec: Base & { defaultText: string; minLength?: number; demo?: string }): Setting<string | undefined> {
  const { minLength, ...base } = spec;
  return {
    ...base,
    kind: minLength ? `secret, at least ${minLength} characters` : 'secret',
    secret: true,
    read: (raw) => {
      if (raw !== undefined && minLength && raw.length < minLength)
        throw new SettingProblem(`${base.env}: use at least ${minLength} characters (32 random bytes recommended)`);
      return raw;
    },
  };
}
