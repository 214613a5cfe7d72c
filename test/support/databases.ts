/**
 * The databases every suite runs against: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set (each test database is created fresh and dropped after).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, type DialectName, migrateTo, openDatabase } from '../../src/db/database.js';

export const postgresUrl = process.env.TEST_DATABASE_URL;

export const DIALECTS: DialectName[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

if (!postgresUrl) {
  console.warn('PostgreSQL suites skipped: set TEST_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DB to run them (CI does).');
}

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new database of the dialect, migrated to the latest or to `options.migratedTo`. */
export async function freshDatabase(dialect: DialectName, options: { file?: string; migratedTo?: string } = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const url = `sqlite://${options.file ?? ':memory:'}`;
    const db = openDatabase(url);
    await migrateTo(db, options.migratedTo);
    return { db, url, drop: () => db.close() };
  }
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `simkeep_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(postgresUrl, name);
  const db = openDatabase(url, { poolSize: 24 });
  await migrateTo(db, options.migratedTo);
  return {
    db,
    url,
    drop: async () => {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
