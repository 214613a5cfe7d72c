/**
 * Configuration: every setting simkeep reads from the environment, with its default, unit
 * and range, validated once at start. A bad value stops the process with a message that
 * says which variable to fix and how.
 */

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

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Connections to PostgreSQL per process (SQLite always uses one). */
  databasePoolSize: number;
  /** How long a request waits for a new PostgreSQL connection before answering 503, in ms. */
  databaseConnectTimeoutMs: number;
  dataDir: string;
  secret: string | undefined;
  adminToken: string | undefined;
  sandboxSecret: string | undefined;
  publicUrl: string;
  orderTtlMinutes: number;
  lookupLimits: LookupLimits;
  logLevel: string;
  /**
   * Which proxies in front of simkeep may say who the client is: `false` (none; the peer's
   * address is the client's), a number of hops (that many addresses from the right of
   * `X-Forwarded-For` are proxies'), or the proxies' addresses and CIDR ranges. Never every
   * hop: a client's own `X-Forwarded-For` entries would then be believed.
   */
  trustProxy: TrustProxy;
  sandboxEnabled: boolean;
  /** The operator whose brand the web app shows before a card is found (default: the first one created). */
  defaultOperator: string | undefined;
  /** Run the scheduled jobs (reminder sweep, message dispatch, housekeeping) in `serve`. */
  jobs: boolean;
  /** Attempts before a message is dead-lettered. */
  outboxMaxAttempts: number;
}

export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const secretOf = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < 16) problems.push(`${name}: use at least 16 characters (32 random bytes recommended)`);
    return raw;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
    return fallback;
  };

  const port = int('PORT', 3000, 0, 65535);
  const dataDir = env.SIMKEEP_DATA_DIR || './data';
  const databaseUrl = env.DATABASE_URL || `sqlite://${dataDir.replace(/\/+$/, '')}/simkeep.db`;
  if (!/^(sqlite:\/\/.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    problems.push(
      `DATABASE_URL=${JSON.stringify(redactUrl(databaseUrl))}: expected sqlite://PATH (e.g. sqlite://./data/simkeep.db) or postgres://USER:PASSWORD@HOST:PORT/DB`,
    );
  }
  const publicUrl = (env.SIMKEEP_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) {
    problems.push(`SIMKEEP_PUBLIC_URL=${JSON.stringify(publicUrl)}: expected an http(s) URL such as https://renew.example.com`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: expected one of fatal, error, warn, info, debug, trace, silent`);
  }

  const config: Config = {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databasePoolSize: int('SIMKEEP_DB_POOL_SIZE', 10, 1, 500),
    databaseConnectTimeoutMs: int('SIMKEEP_DB_CONNECT_TIMEOUT_MS', 3000, 100, 60_000),
    dataDir,
    secret: secretOf('SIMKEEP_SECRET'),
    adminToken: secretOf('SIMKEEP_ADMIN_TOKEN'),
    sandboxSecret: secretOf('SIMKEEP_SANDBOX_SECRET'),
    publicUrl,
    orderTtlMinutes: int('SIMKEEP_ORDER_TTL_MINUTES', 30, 1, 7 * 24 * 60),
    lookupLimits: {
      perMsisdn: int('SIMKEEP_LOOKUP_MAX_PER_MSISDN', 5, 1, 1_000_000),
      perIp: int('SIMKEEP_LOOKUP_MAX_PER_IP', 30, 1, 1_000_000),
      windowMinutes: int('SIMKEEP_LOOKUP_WINDOW_MINUTES', 15, 1, 24 * 60),
      joinsPerIp: int('SIMKEEP_JOIN_MAX_PER_IP', 20, 1, 1_000_000),
    },
    logLevel,
    trustProxy: trustProxyOf(env.SIMKEEP_TRUST_PROXY, problems),
    sandboxEnabled: flag('SIMKEEP_SANDBOX_ENABLED', true),
    defaultOperator: env.SIMKEEP_DEFAULT_OPERATOR || undefined,
    jobs: flag('SIMKEEP_JOBS', true),
    outboxMaxAttempts: int('SIMKEEP_OUTBOX_MAX_ATTEMPTS', 8, 1, 100),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const IPV4_OR_CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;
const IPV6_OR_CIDR = /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d{1,3})?$/i;
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `SIMKEEP_TRUST_PROXY`: empty or `false`, a hop count (`1` behind one nginx), or a
 * comma-separated list of addresses, CIDR ranges and the names `loopback`, `linklocal`,
 * `uniquelocal` (the forms Fastify's `trustProxy` takes). `true` is refused: it trusts
 * every hop, so any client could write its own address.
 */
function trustProxyOf(raw: string | undefined, problems: string[]): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') {
    problems.push(
      "SIMKEEP_TRUST_PROXY=true would believe any client's own X-Forwarded-For: write the number of proxies in front of simkeep (e.g. 1 behind one nginx) or their addresses (e.g. 127.0.0.1,10.0.0.0/8)",
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) problems.push(`SIMKEEP_TRUST_PROXY=${JSON.stringify(raw)}: expected at most 10 proxy hops`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.filter((e) => !(IPV4_OR_CIDR.test(e) || IPV6_OR_CIDR.test(e) || PROXY_ADDRESS_NAMES.has(e)));
  if (bad.length > 0) {
    problems.push(
      `SIMKEEP_TRUST_PROXY=${JSON.stringify(raw)}: ${bad.map((e) => JSON.stringify(e)).join(', ')} is not an address or CIDR range; expected a hop count (e.g. 1) or addresses (e.g. 127.0.0.1,10.0.0.0/8)`,
    );
    return false;
  }
  return entries;
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
