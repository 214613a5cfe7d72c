/**
 * /readyz: a database that answers but lacks migrations this version knows (restored from an
 * older backup, or migrated down) is not ready: `503 database_behind` naming them, with
 * `Retry-After`; once migrated, ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, pendingMigrations } from '../../src/db/database.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, startHarness } from '../support/harness.js';

describe.each(DIALECTS)('/readyz on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, {}, undefined, { migratedTo: '0012_reminder_index_kind' });
  });
  afterAll(() => h?.close());

  it('is not ready while migrations are missing, and says which, in the caller’s language', async () => {
    const behind = await h.request({ method: 'GET', url: '/readyz', headers: { 'accept-language': 'en' } });
    expect(behind.status).toBe(503);
    expect(behind.headers['retry-after']).toBe('30');
    expect(behind.body.error.code).toBe('database_behind');
    expect(behind.body.error.details.pending[0]).toBe('0013_hall_ticket_number_key');
    expect(behind.body.error.message).toContain('0013_hall_ticket_number_key');
    const chinese = await h.request({ method: 'GET', url: '/readyz' });
    expect(chinese.headers['content-language']).toBe('zh-CN');
    expect(chinese.body.error.message).toContain('simkeep migrate');
  });

  it('is ready once the database is migrated', async () => {
    await migrate(h.services.db);
    expect(await h.request({ method: 'GET', url: '/readyz' })).toMatchObject({ status: 200, body: { status: 'ready', database: dialect } });
  });
});

describe('the migrations a database lacks', () => {
  it('are all of them for a database never migrated (no migration table yet), and none once migrated', async () => {
    const db = openDatabase('sqlite://:memory:');
    try {
      const all = await pendingMigrations(db);
      expect(all[0]).toBe('0001_initial');
      expect(all).toEqual(await migrate(db));
      expect(await pendingMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
