/**
 * The operator's message views at any size of history: the reminder counts (what needs
 * attention however old, the rest of the last 30 days) and the message list, newest first
 * across kinds and statuses, paged by the last message seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxKind, OutboxStatus } from '../../src/db/schema.js';
import { pendingRow } from '../../src/notify/outbox.js';
import { COUNTED_DAYS } from '../../src/reminders/reminder-admin.js';
import { DIALECTS } from '../support/databases.js';
import { DEFAULT_NOW, type Harness, newOperator, startHarness } from '../support/harness.js';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(DEFAULT_NOW) - days * DAY);

describe.each(DIALECTS)('operator message views on %s', (dialect) => {
  let h: Harness;
  let operatorId: string;

  beforeAll(async () => {
    h = await startHarness(dialect);
    await newOperator(h);
    await newOperator(h, { code: 'other', name: 'Other' });
    operatorId = (await h.services.catalog.operatorByCode('demo'))?.id ?? '';
  });
  afterAll(() => h.close());

  async function message(id: string, kind: OutboxKind, status: OutboxStatus, createdAt: Date, operator = operatorId) {
    await h.services.db.kysely
      .insertInto('outbox')
      .values({ ...pendingRow({ id, kind, operator_id: operator }, createdAt), status })
      .execute();
  }

  it('counts reminders waiting or dead however old, and the others of the last 30 days', async () => {
    const old = daysAgo(COUNTED_DAYS + 5);
    const recent = daysAgo(COUNTED_DAYS - 5);
    for (const status of ['pending', 'sent', 'dead', 'skipped', 'cancelled'] as const) {
      await message(`count-old-${status}`, 'reminder', status, old);
      await message(`count-recent-${status}`, 'reminder', status, recent);
    }
    await message('count-recent-sent-2', 'reminder', 'sent', recent);
    await message('count-webhook', 'webhook', 'sent', recent); // not a reminder
    await message('count-other', 'reminder', 'sent', recent, (await h.services.catalog.operatorByCode('other'))?.id);

    const summary = await h.admin('GET', '/v1/admin/operators/demo/reminders');
    expect(summary.status).toBe(200);
    expect(summary.body.messages).toEqual({ pending: 2, dead: 2, sent: 2, skipped: 1, cancelled: 1 });
    expect(summary.body.messagesSince).toBe(daysAgo(COUNTED_DAYS).toISOString());
  });

  it('lists messages newest first across kinds and statuses, a page at a time', async () => {
    await h.services.db.kysely.deleteFrom('outbox').execute();
    const kinds: OutboxKind[] = ['reminder', 'webhook', 'message'];
    const statuses: OutboxStatus[] = ['pending', 'sent', 'dead', 'skipped', 'cancelled'];
    const written: { id: string; kind: OutboxKind; status: OutboxStatus; at: string }[] = [];
    for (let i = 0; i < 24; i++) {
      // Every third message shares its instant with the one before: ties are broken by id.
      const at = new Date(Date.parse(DEFAULT_NOW) - Math.floor(i / 3) * 2 * 60_000 - (i % 3 === 2 ? 60_000 : 0));
      const row = {
        id: `list-${String((i * 7) % 24).padStart(2, '0')}`,
        kind: kinds[i % 3] as OutboxKind,
        status: statuses[i % 5] as OutboxStatus,
        at: at.toISOString(),
      };
      await message(row.id, row.kind, row.status, at);
      written.push(row);
    }
    await message('list-elsewhere', 'reminder', 'sent', new Date(DEFAULT_NOW), (await h.services.catalog.operatorByCode('other'))?.id);
    const newest = (rows: typeof written) => [...rows].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((r) => r.id);

    const pages = async (query: string, limit: number) => {
      const seen: string[] = [];
      let last: string | undefined;
      for (let page = 0; page < 30; page++) {
        const res = await h.admin('GET', `/v1/admin/operators/demo/messages?limit=${limit}${query}${last ? `&before=${last}` : ''}`);
        expect(res.status, query).toBe(200);
        const ids = (res.body as { id: string }[]).map((m) => m.id);
        expect(ids.length).toBeLessThanOrEqual(limit);
        seen.push(...ids);
        if (ids.length < limit) break;
        last = ids.at(-1);
      }
      return seen;
    };
    expect(await pages('', 50)).toEqual(newest(written));
    expect(await pages('', 5)).toEqual(newest(written));
    expect(await pages('&kind=webhook', 3)).toEqual(newest(written.filter((m) => m.kind === 'webhook')));
    expect(await pages('&status=dead', 2)).toEqual(newest(written.filter((m) => m.status === 'dead')));
    expect(await pages('&kind=reminder&status=sent', 1)).toEqual(newest(written.filter((m) => m.kind === 'reminder' && m.status === 'sent')));
  });

  it('refuses a page after a message that is not the operator’s', async () => {
    await message('page-other', 'reminder', 'sent', new Date(DEFAULT_NOW), (await h.services.catalog.operatorByCode('other'))?.id);
    for (const before of ['page-other', 'no-such-message']) {
      const res = await h.admin('GET', `/v1/admin/operators/demo/messages?before=${before}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { fields: ['/before'] } } } });
    }
  });
});
