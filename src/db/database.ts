/**
 * Opens the database named by a `sqlite://` or `postgres://` URL as one Kysely instance,
 * and applies the migrations. Everything above this module is dialect-neutral except
 * what `dialect.ts` holds.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  DEFAULT_MIGRATION_TABLE,
  Kysely,
  type LogEvent,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import * as initial from './migrations/0001_initial.js';
import * as notifications from './migrations/0002_notifications.js';
import * as webhooks from './migrations/0003_webhooks.js';
import * as accounts from './migrations/0004_accounts.js';
import * as paymentProviders from './migrations/0005_payment_providers.js';
import * as serviceHall from './migrations/0006_service_hall.js';
import * as reminderSweepIndex from './migrations/0007_reminder_sweep_index.js';
import * as hallQueueIndexes from './migrations/0008_hall_queue_indexes.js';
import * as reminderSweepChecks from './migrations/0009_reminder_sweep_checks.js';
import * as pruneIndexes from './migrations/0010_prune_indexes.js';
import * as hallListingIndexes from './migrations/0011_hall_listing_indexes.js';
import * as reminderIndexKind from './migrations/0012_reminder_index_kind.js';
import * as hallTicketNumberKey from './migrations/0013_hall_ticket_number_key.js';
import * as operatorLanguage from './migrations/0014_operator_language.js';
import * as reminderDueChanged from './migrations/0015_reminder_due_changed.js';
import type { Database } from './schema.js';
import { isDatabaseUnavailable } from './unavailable.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** The URL it was opened with (a dedicated LISTEN connection opens its own client). */
  url: string;
  close(): Promise<void>;
  /** The PostgreSQL pool's connections now; undefined on SQLite (one connection, no pool). */
  poolUse(): PoolUse | undefined;
  /** Calls `listener` after every query with its duration (for the metrics); returns the unsubscribe. */
  onQuery(listener: QueryListener): () => void;
}

export interface PoolUse {
  /** Connections open, busy or idle. */
  open: number;
  idle: number;
  /** Requests waiting for a connection: the pool is exhausted while this stays above 0. */
  waiting: number;
}

/** A query's kind of statement (`select`, `insert`, `update`, `delete`, `other`), how long it took, and whether it failed. */
export interface QueryTiming {
  statement: string;
  seconds: number;
  failed: boolean;
}
export type QueryListener = (timing: QueryTiming) => void;

const STATEMENT_NODES: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

/** The kind of a built query by its node; a raw `sql` one by its first word. */
function statementOf(query: CompiledQuery): string {
  const kind = STATEMENT_NODES[query.query.kind];
  if (kind) return kind;
  const first = /^\s*(\w+)/.exec(query.sql)?.[1]?.toLowerCase() ?? '';
  return Object.values(STATEMENT_NODES).includes(first) ? first : 'other';
}

/** Kysely's log, taken as timings for whoever listens (Kysely measures only when a log is given). */
function queryTimings(): { log: (event: LogEvent) => void; onQuery: Db['onQuery'] } {
  const listeners = new Set<QueryListener>();
  const log = (event: LogEvent) => {
    if (listeners.size === 0) return;
    const timing = { statement: statementOf(event.query), seconds: event.queryDurationMillis / 1000, failed: event.level === 'error' };
    for (const listener of listeners) listener(timing);
  };
  return {
    log,
    onQuery: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

// COUNT(*) and other int8 values come back as strings by default; ours fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function sqlitePath(url: string): string {
  const file = url.slice('sqlite://'.length);
  return file === ':memory:' ? file : path.resolve(file);
}

export interface OpenOptions {
  poolSize?: number;
  /** How long a request waits for a new PostgreSQL connection before it fails (503), in ms. */
  connectTimeoutMs?: number;
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  if (url.startsWith('sqlite://')) {
    const file = sqlitePath(url);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    // better-sqlite3 builds SQLite with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1: NORMAL is its
    // default in WAL mode, but only from the second open of a file; say so from the first.
    // A commit survives a crash of the process; a power loss may lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const { log, onQuery } = queryTimings();
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log });
    return { kysely, dialect: 'sqlite', url, close: () => kysely.destroy(), poolUse: () => undefined, onQuery };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Fail fast while the server is unreachable, instead of queueing requests behind it.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  // A client checked out by a request is covered in `withNamedStatements`.
  pool.on('error', () => {});
  const { log, onQuery } = queryTimings();
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }), log });
  const poolUse = () => ({ open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { kysely, dialect: 'postgres', url, close: () => kysely.destroy(), poolUse, onQuery };
}

/** Answers once the database does (readiness); throws when it cannot be reached. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}

const MAX_CACHED_STATEMENTS = 2000;

/**
 * better-sqlite3 compiles SQL on every `prepare`; Kysely prepares each query it runs. The
 * query shapes are few, so each compiled statement is kept and reused.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statement = sqlite.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Runs every parameterised query as a named prepared statement, so PostgreSQL parses and
 * plans each query shape once per connection instead of on every request.
 */
function withNamedStatements(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      if (names.size >= MAX_CACHED_STATEMENTS) names.clear();
      name = `sk_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const patched = new WeakSet<pg.PoolClient>();
  const connect = pool.connect.bind(pool);
  return Object.assign(Object.create(pool) as pg.Pool, {
    connect: async () => {
      const client = await connect();
      if (!patched.has(client)) {
        // A connection cut while a request holds the client (a restart, a failover, a
        // terminated backend) is emitted as 'error' on the client: without a listener it
        // would end the process. The query in flight rejects with the same error (answered
        // 503), and the pool discards the broken client when it is released.
        client.on('error', () => {});
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        client.query = ((text: unknown, values?: unknown[]) =>
          typeof text === 'string' && values !== undefined && values.length > 0
            ? query({ name: nameOf(text), text, values })
            : query(text, values)) as typeof client.query;
        patched.add(client);
      }
      return client;
    },
    end: () => pool.end(),
  });
}

const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_notifications': notifications,
  '0003_webhooks': webhooks,
  '0004_accounts': accounts,
  '0005_payment_providers': paymentProviders,
  '0006_service_hall': serviceHall,
  '0007_reminder_sweep_index': reminderSweepIndex,
  '0008_hall_queue_indexes': hallQueueIndexes,
  '0009_reminder_sweep_checks': reminderSweepChecks,
  '0010_prune_indexes': pruneIndexes,
  '0011_hall_listing_indexes': hallListingIndexes,
  '0012_reminder_index_kind': reminderIndexKind,
  '0013_hall_ticket_number_key': hallTicketNumberKey,
  '0014_operator_language': operatorLanguage,
  '0015_reminder_due_changed': reminderDueChanged,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  return migrateTo(db, undefined);
}

/**
 * The migrations this code knows that the database has not applied, in order: a database
 * restored from an older backup, or migrated down, while a process of this version runs.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  // Read straight from Kysely's table: its getMigrations() first introspects every table
  // (20 ms on PostgreSQL), too much for a probe every few seconds. It still decides when
  // that read fails for another reason than the database being away (no table yet).
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db.kysely);
    const applied = new Set(rows.map((row) => row.name));
    return Object.keys(migrations).filter((name) => !applied.has(name));
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    const migrator = new Migrator({ db: db.kysely, provider: new StaticMigrationProvider() });
    return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
  }
}

/**
 * Migrates up or down to the named migration (applied last), or to the latest without a
 * name; returns the names applied or reverted.
 */
export async function migrateTo(db: Db, target: string | undefined): Promise<string[]> {
  if (target !== undefined && !(target in migrations)) throw new Error(`no migration named ${target}`);
  const migrator = new Migrator({ db: db.kysely, provider: new StaticMigrationProvider() });
  const { error, results } = await (target === undefined ? migrator.migrateToLatest() : migrator.migrateTo(target));
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
