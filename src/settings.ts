/**
 * Every environment variable simkeep reads, declared once: its name, kind of value,
 * default, one line saying what it does, whether it is a secret, and its group. config.ts
 * derives the typed configuration from this list, `simkeep config` prints it with the
 * secrets masked, and the README's Configuration table is generated from it
 * (`npm run docs:settings`; test/config/readme-settings.test.ts fails when they differ).
 * Payment providers and notification transports are not here: each operator's are stored
 * in the database and set through the admin API.
 *
 * A setting may derive its default from one declared above it (the database file from the
 * data directory, the public URL from the port), so the order matters.
 */
import { type Earlier, flag, integer, oneOf, optionalText, type Setting, SettingProblem, type SettingValue, secret, text } from './setting-kinds.js';

/**
 * The key `serve --demo` seals with while SIMKEEP_MASTER_KEY is unset. It is published here,
 * so a demo's stored secrets are as good as in clear: the demo holds none that matter.
 */
export const DEMO_MASTER_KEY = 'c2lta2VlcCBkZW1vIG1hc3RlciBrZXksIHB1YmxpYyE';

// 32 bytes are 43 base64 characters, 44 with the padding; both alphabets.
const MASTER_KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A master key's text as given, when it is 32 bytes in base64 or base64url. */
export function masterKeyText(text: string, env: string): string {
  if (!MASTER_KEY_TEXT.test(text) || Buffer.from(text, 'base64').length !== 32)
    throw new SettingProblem(`${env}: expected 32 random bytes in base64 or base64url (43 or 44 characters); make a key with: simkeep secrets new-key`);
  return text;
}

export const SETTINGS = {
  // Server
  port: integer({ env: 'PORT', group: 'server', default: 3000, min: 0, max: 65535, description: 'HTTP port' }),
  host: text({ env: 'HOST', group: 'server', default: '0.0.0.0', kind: 'address', description: 'address to listen on' }),
  publicUrl: {
    env: 'SIMKEEP_PUBLIC_URL',
    group: 'server',
    kind: 'http(s) URL',
    defaultText: '`http://localhost:$PORT`',
    description:
      "the address subscribers reach simkeep at: the base of receipts' QR codes, of the links in messages and of the payment providers' notify and return URLs; its origin is the one a browser's writes must come from",
    secret: false,
    read: (raw, earlier) => {
      const url = (raw ?? `http://localhost:${earlier.port}`).replace(/\/+$/, '');
      if (!/^https?:\/\/[^/]+/.test(url))
        throw new SettingProblem(`SIMKEEP_PUBLIC_URL=${JSON.stringify(url)}: expected an http(s) URL such as https://renew.example.com`);
      return url;
    },
  } satisfies Setting<string>,
  trustProxy: {
    env: 'SIMKEEP_TRUST_PROXY',
    group: 'server',
    kind: '`false`, a hop count (0–10), or addresses',
    defaultText: '`false`',
    description:
      "who may say who the client is: the number of proxies in front of simkeep (`1` behind one nginx: the address that proxy saw, the rightmost `X-Forwarded-For` entry, is the client's), or the proxies' addresses and CIDR ranges (`127.0.0.1,10.0.0.0/8`; also `loopback`, `linklocal`, `uniquelocal`). `true` is refused: it would believe a client's own `X-Forwarded-For` entries and let it walk past every per-address limit",
    secret: false,
    read: trustProxyOf,
  } satisfies Setting<TrustProxy>,
  corsOrigins: {
    env: 'SIMKEEP_CORS_ORIGINS',
    group: 'server',
    kind: 'origins, comma-separated',
    defaultText: 'none: CORS off',
    description:
      "other sites whose pages may call the API from a browser (`https://shop.example.com,https://www.example.com`): their requests get `Access-Control-Allow-Origin` and their preflights an answer, without cookies, so a subscriber's or a clerk's session is never used from there. Unset, no response has an `Access-Control-*` header and browsers keep every other site's scripts from reading the API",
    secret: false,
    read: corsOriginsOf,
  } satisfies Setting<string[]>,
  defaultOperator: optionalText({
    env: 'SIMKEEP_DEFAULT_OPERATOR',
    group: 'server',
    kind: 'operator code',
    defaultText: 'the first operator created',
    description: 'the operator code whose name and brand colour the web app shows before a card is found',
  }),

  // Database
  dataDir: text({
    env: 'SIMKEEP_DATA_DIR',
    group: 'database',
    default: './data',
    kind: 'directory',
    description: "where the default SQLite file lives, and the demo transport's messages (`outbox/sms.jsonl`, `outbox/email.jsonl`)",
  }),
  databaseUrl: {
    env: 'DATABASE_URL',
    group: 'database',
    kind: 'URL',
    defaultText: '`sqlite://$SIMKEEP_DATA_DIR/simkeep.db`',
    description:
      '`sqlite://PATH` (relative to the working directory unless it starts with `/`: `sqlite:///var/lib/simkeep/simkeep.db`) or `postgres://USER:PASSWORD@HOST:PORT/DB` (`postgresql://` too); `simkeep config` masks its password',
    secret: false,
    read: (raw, earlier) => {
      const url = raw ?? `sqlite://${String(earlier.dataDir).replace(/\/+$/, '')}/simkeep.db`;
      if (!/^(sqlite:\/\/.+|postgres(ql)?:\/\/.+)$/.test(url)) {
        throw new SettingProblem(
          `DATABASE_URL=${JSON.stringify(redactUrl(url))}: expected sqlite://PATH (e.g. sqlite://./data/simkeep.db) or postgres://USER:PASSWORD@HOST:PORT/DB`,
        );
      }
      return url;
    },
    redact: redactUrl,
  } satisfies Setting<string>,
  databasePoolSize: integer({
    env: 'SIMKEEP_DB_POOL_SIZE',
    group: 'database',
    default: 10,
    min: 1,
    max: 500,
    unit: 'connections',
    description:
      'PostgreSQL connections per server process (SQLite always uses one). On the 2-core bench machine 6–10 served 16 clients best: more connections only add context switches',
  }),
  databaseConnectTimeoutMs: integer({
    env: 'SIMKEEP_DB_CONNECT_TIMEOUT_MS',
    group: 'database',
    default: 3000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    description:
      'how long a request waits for a new PostgreSQL connection. While the database is unreachable, requests answer `503 database_unavailable` with `Retry-After: 1` instead of queueing; the process keeps running and reconnects on its own',
  }),

  // Secrets and tokens
  secret: secret({
    env: 'SIMKEEP_SECRET',
    group: 'secrets',
    minLength: 16,
    defaultText: 'generated',
    description:
      "signing key of receipt links, reminders' renewal and calendar links and the hashes of sign-in codes; when unset the first process generates one and stores it in the database, so all processes agree",
  }),
  masterKey: {
    env: 'SIMKEEP_MASTER_KEY',
    group: 'secrets',
    kind: 'secret: 32 random bytes in base64 or base64url (`simkeep secrets new-key`)',
    defaultText: 'none: required, except by `serve --demo`, which uses a published demo key',
    description:
      "the master key that seals every secret simkeep stores (payment providers' keys, transport passwords, webhook signing secrets, the generated signing secret) with AES-256-GCM; without it (or `SIMKEEP_MASTER_KEY_FILE`) the server and the commands that use the database refuse to start. Keep it out of the database and its backups: see Running in production",
    secret: true,
    demo: DEMO_MASTER_KEY,
    read: (raw) => (raw === undefined ? undefined : masterKeyText(raw.trim(), 'SIMKEEP_MASTER_KEY')),
  } satisfies Setting<string | undefined>,
  masterKeyFile: optionalText({
    env: 'SIMKEEP_MASTER_KEY_FILE',
    group: 'secrets',
    kind: 'file path',
    defaultText: 'none',
    description:
      'a file holding the master key (a Docker or Kubernetes secret, `/run/secrets/simkeep_master_key`), read at start instead of `SIMKEEP_MASTER_KEY`',
  }),
  masterKeyPrevious: {
    env: 'SIMKEEP_MASTER_KEY_PREVIOUS',
    group: 'secrets',
    kind: 'secret: master keys, comma-separated',
    defaultText: 'none',
    description:
      'older (or, before a switch, newer) master keys that only open stored secrets, never seal: set during a rotation until `simkeep secrets rotate` has sealed everything under `SIMKEEP_MASTER_KEY`',
    secret: true,
    read: (raw) =>
      (raw ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== '')
        .map((key) => masterKeyText(key, 'SIMKEEP_MASTER_KEY_PREVIOUS')),
  } satisfies Setting<string[]>,
  adminToken: secret({
    env: 'SIMKEEP_ADMIN_TOKEN',
    group: 'secrets',
    minLength: 16,
    defaultText: 'none',
    description: 'an admin bearer token accepted besides those `simkeep admin-token create` makes',
  }),

  // Orders and the sandbox provider
  sandboxEnabled: flag({
    env: 'SIMKEEP_SANDBOX_ENABLED',
    group: 'payments',
    default: false,
    demo: true,
    defaultText: '`false`; `true` with `serve --demo` (`npm start`)',
    description:
      'offer the sandbox payment provider, which renews cards without money: for the demo and tests only. While it is on, the server logs a warning at start',
  }),
  sandboxSecret: secret({
    env: 'SIMKEEP_SANDBOX_SECRET',
    group: 'payments',
    minLength: 16,
    defaultText: 'derived from `SIMKEEP_SECRET`',
    description: "HMAC key of the sandbox provider's webhook signatures",
  }),
  orderTtlMinutes: integer({
    env: 'SIMKEEP_ORDER_TTL_MINUTES',
    group: 'payments',
    default: 30,
    min: 1,
    max: 7 * 24 * 60,
    unit: 'minutes',
    description: 'how long an unpaid order stays payable',
  }),

  // Anti-probing
  lookupMaxPerMsisdn: integer({
    env: 'SIMKEEP_LOOKUP_MAX_PER_MSISDN',
    group: 'anti-probing',
    default: 5,
    min: 1,
    max: 1_000_000,
    description:
      'failed lookups for a number from one source within the window before that source gets `429` for it; also the number-wide limit of the short (last 6 digits) proof',
  }),
  lookupMaxPerIp: integer({
    env: 'SIMKEEP_LOOKUP_MAX_PER_IP',
    group: 'anti-probing',
    default: 30,
    min: 1,
    max: 1_000_000,
    description: 'failed lookups from one source (an IPv4 address, an IPv6 /64) within the window before `429` for any number',
  }),
  lookupWindowMinutes: integer({
    env: 'SIMKEEP_LOOKUP_WINDOW_MINUTES',
    group: 'anti-probing',
    default: 15,
    min: 1,
    max: 24 * 60,
    unit: 'minutes',
    description: 'the anti-probing window, over which failures are counted, and the length of the lockout',
  }),
  joinMaxPerIp: integer({
    env: 'SIMKEEP_JOIN_MAX_PER_IP',
    group: 'anti-probing',
    default: 20,
    min: 1,
    max: 1_000_000,
    description: 'remote queue joins per hall and client IP within the window before `429`',
  }),

  // Scheduled jobs and messages
  jobs: flag({
    env: 'SIMKEEP_JOBS',
    group: 'jobs',
    default: true,
    description:
      'run the scheduled jobs (reminder sweep, message dispatch, housekeeping) every minute inside `serve`; set `false` when separate `simkeep worker` processes run them',
  }),
  outboxMaxAttempts: integer({
    env: 'SIMKEEP_OUTBOX_MAX_ATTEMPTS',
    group: 'jobs',
    default: 8,
    min: 1,
    max: 100,
    unit: 'attempts',
    description: 'attempts before a message is dead-lettered; retries wait 1, 2, 4… minutes (at most 6 h, plus up to 20 % jitter)',
  }),

  // Logging
  logLevel: oneOf({
    env: 'LOG_LEVEL',
    group: 'logging',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    description:
      'JSON lines on stdout; a request is logged by its route pattern (`/v1/tickets/:token`) with its path values masked (`+86 138****8000`, `tt_Z…`) and its query by parameter names only, so no phone number, serial, token or signature reaches the log; error text is masked the same way',
  }),

  // Metrics
  metricsToken: secret({
    env: 'SIMKEEP_METRICS_TOKEN',
    group: 'metrics',
    minLength: 16,
    demo: 'simkeep-demo-metrics',
    defaultText: 'none: `/metrics` answers `404` on the HTTP port; `simkeep-demo-metrics` with `serve --demo`',
    description:
      'the bearer token Prometheus sends for `GET /metrics` on the HTTP port (`Authorization: Bearer …`; `401` without it): request durations by route, database pool and queries, orders, payments, renewals and refunds, the outbox, dead letters, waiting tickets, job runs',
  }),
  metricsPort: {
    env: 'SIMKEEP_METRICS_PORT',
    group: 'metrics',
    kind: 'port, 1–65 535',
    defaultText: 'none',
    description:
      "also serve `/metrics`, without a token, on a listener of its own at this port on `SIMKEEP_METRICS_HOST`, in `serve` and in `simkeep worker` (a worker's job counts are only there)",
    secret: false,
    read: (raw) => {
      if (raw === undefined) return undefined;
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new SettingProblem(`SIMKEEP_METRICS_PORT=${JSON.stringify(raw)}: expected a port from 1 to 65535 (e.g. 9464), or leave it unset`);
      return port;
    },
  } satisfies Setting<number | undefined>,
  metricsHost: text({
    env: 'SIMKEEP_METRICS_HOST',
    group: 'metrics',
    default: '127.0.0.1',
    kind: 'address',
    description:
      'address of the metrics listener: loopback, so that only this machine (a local Prometheus or agent) reads it; `0.0.0.0` lets a scraper on the network in, so firewall that port',
  }),

  // Commands
  staffPassword: secret({
    env: 'SIMKEEP_STAFF_PASSWORD',
    group: 'commands',
    defaultText: 'none',
    description:
      "the new account's password for `simkeep staff create` (at least 10 characters), read from the environment so that it stays out of the shell history and `ps`; the server does not use it",
  }),
} satisfies Record<string, Setting<any>>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValues = { [K in SettingKey]: SettingValue<(typeof SETTINGS)[K]> };

/**
 * Which proxies in front of simkeep may say who the client is: `false` (none; the peer's
 * address is the client's), a number of hops (that many addresses from the right of
 * `X-Forwarded-For` are proxies'), or the proxies' addresses and CIDR ranges. Never every
 * hop: a client's own `X-Forwarded-For` entries would then be believed.
 */
export type TrustProxy = false | number | string[];

const IPV4_OR_CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;
const IPV6_OR_CIDR = /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d{1,3})?$/i;
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `SIMKEEP_TRUST_PROXY`: empty or `false`, a hop count (`1` behind one nginx), or a
 * comma-separated list of addresses, CIDR ranges and the names `loopback`, `linklocal`,
 * `uniquelocal` (the forms Fastify's `trustProxy` takes). `true` is refused: it trusts
 * every hop, so any client could write its own address.
 */
function trustProxyOf(raw: string | undefined, _earlier: Earlier): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') {
    throw new SettingProblem(
      "SIMKEEP_TRUST_PROXY=true would believe any client's own X-Forwarded-For: write the number of proxies in front of simkeep (e.g. 1 behind one nginx) or their addresses (e.g. 127.0.0.1,10.0.0.0/8)",
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new SettingProblem(`SIMKEEP_TRUST_PROXY=${JSON.stringify(raw)}: expected at most 10 proxy hops`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.filter((e) => !(IPV4_OR_CIDR.test(e) || IPV6_OR_CIDR.test(e) || PROXY_ADDRESS_NAMES.has(e)));
  if (bad.length > 0) {
    throw new SettingProblem(
      `SIMKEEP_TRUST_PROXY=${JSON.stringify(raw)}: ${bad.map((e) => JSON.stringify(e)).join(', ')} is not an address or CIDR range; expected a hop count (e.g. 1) or addresses (e.g. 127.0.0.1,10.0.0.0/8)`,
    );
  }
  return entries;
}

/**
 * `SIMKEEP_CORS_ORIGINS`: origins as a browser sends them in `Origin` (scheme, host and
 * port, no path). `*` is refused: the API answers cards' data to whoever asks a lookup,
 * so the operator names the sites it trusts to ask from a subscriber's browser.
 */
function corsOriginsOf(raw: string | undefined, _earlier: Earlier): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry !== '');
  const bad = entries.filter((entry) => {
    try {
      const url = new URL(entry);
      return !/^https?:$/.test(url.protocol) || url.origin !== entry;
    } catch {
      return true;
    }
  });
  if (bad.length > 0) {
    throw new SettingProblem(
      `SIMKEEP_CORS_ORIGINS=${JSON.stringify(raw)}: ${bad.map((e) => JSON.stringify(e)).join(', ')} is not an origin; expected scheme, host and port only, comma-separated (e.g. https://shop.example.com,http://localhost:5173)`,
    );
  }
  return [...new Set(entries)];
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
