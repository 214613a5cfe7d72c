/**
 * Reminders end to end on both databases, driven by the injectable clock: the daily sweep
 * enqueues each step once, the dispatcher renders and sends through the console-and-file
 * outbox, holds SMS through quiet hours, and drops reminders whose reason is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/cards/calendar.js';
import { isUniqueViolation } from '../../src/db/dialect.js';
import { enqueueDay } from '../../src/reminders/reminder-sweep.js';
import { maskMsisdn } from '../../src/shared/msisdn.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

// DEFAULT_NOW is 2026-11-24T04:00Z: 12:00 in Asia/Shanghai, outside quiet hours.
const TODAY = '2026-11-24';

describe.each(DIALECTS)('reminders on %s', (dialect) => {
  let h: Harness;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-reminders-'));
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_DATA_DIR: dataDir, SIMKEEP_OUTBOX_MAX_ATTEMPTS: '3' });
    await newOperator(h, { displayName: 'Demo Mobile' });
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'y1', months: 12, price: 8800, name: { 'zh-CN': '12个月', en: '12 months' } });
  });

  afterEach(async () => {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const outbox = () => h.services.db.kysely.selectFrom('outbox').selectAll().orderBy('id').execute();
  const sent = (channel: 'sms' | 'email') => {
    const file = path.join(dataDir, 'outbox', `${channel}.jsonl`);
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; to: string; text: string; subject?: string });
  };

  /** A card for each default step, firing today, and one that no step selects (nor is due for late). */
  async function cardsForEveryStep() {
    return {
      'before-30': await newCard(h, addDays(TODAY, 30)),
      'before-7': await newCard(h, addDays(TODAY, 7)),
      'before-1': await newCard(h, addDays(TODAY, 1)),
      grace: await newCard(h, addDays(TODAY, -1)),
      // Suspension starts on validUntil + 31 (30 grace days); 7 days before it is today.
      'before-suspension': await newCard(h, addDays(TODAY, 7 - 31)),
      none: await newCard(h, addDays(TODAY, 31)),
    };
  }

  it('enqueues each step for the cards it selects, once, however often the sweep runs', async () => {
    const cards = await cardsForEveryStep();
    expect(await h.services.reminders.sweep()).toBe(5);
    expect(await h.services.reminders.sweep()).toBe(0);
    const rows = await outbox();
    expect(rows.map((r) => r.step).sort()).toEqual(['before-1', 'before-30', 'before-7', 'before-suspension', 'grace']);
    for (const row of rows) {
      const card = cards[row.step as keyof typeof cards];
      expect(row).toMatchObject({ kind: 'reminder', status: 'pending', attempts: 0, valid_until: card.validUntil });
      expect(row.id).toBe(`rem:${row.card_id}:${card.validUntil}:${row.step}`);
    }
    // Tomorrow selects other cards; today's are not enqueued again.
    h.clock.advance(24 * 60 * 60_000);
    expect(await h.services.reminders.sweep()).toBe(1); // `none` is 30 days from expiry tomorrow
    expect((await outbox()).filter((r) => r.card_id === rows[0]?.card_id)).toHaveLength(1);
  });

  it('leaves out the reminders already queued when a day is enqueued again', async () => {
    await cardsForEveryStep();
    const operator = await h.services.catalog.operatorByCode('demo');
    if (!operator) throw new Error('no operator');
    const { schedule } = await h.services.notificationSettings.of(operator.id);
    const { db } = h.services;
    const enqueue = () => db.kysely.transaction().execute((trx) => enqueueDay(trx, db.dialect, operator, schedule, TODAY, h.clock.now(), 'all'));
    expect(await enqueue()).toBe(5);
    // `simkeep reminders --date` re-runs a day: nothing twice, and a reminder gone (say, purged) comes back alone.
    expect(await enqueue()).toBe(0);
    await db.kysely.deleteFrom('outbox').where('step', '=', 'grace').execute();
    expect(await enqueue()).toBe(1);
    const rows = await outbox();
    expect(rows.map((r) => r.step).sort()).toEqual(['before-1', 'before-30', 'before-7', 'before-suspension', 'grace']);
  });

  it.runIf(dialect === 'postgres')('queues each reminder once when two processes enqueue one day at the same moment', async () => {
    await cardsForEveryStep();
    const operator = await h.services.catalog.operatorByCode('demo');
    if (!operator) throw new Error('no operator');
    const { schedule } = await h.services.notificationSettings.of(operator.id);
    const { db } = h.services;
    let commitFirst = () => {};
    const held = new Promise<void>((resolve) => {
      commitFirst = resolve;
    });
    let inserted = (_n: number) => {};
    const firstInserted = new Promise<number>((resolve) => {
      inserted = resolve;
    });
    const first = db.kysely.transaction().execute(async (trx) => {
      inserted(await enqueueDay(trx, db.dialect, operator, schedule, TODAY, h.clock.now(), 'all'));
      await held;
    });
    expect(await firstInserted).toBe(5);
    // The second waits for the first's sweep lock, then finds every reminder queued.
    const second = db.kysely.transaction().execute((trx) => enqueueDay(trx, db.dialect, operator, schedule, TODAY, h.clock.now(), 'all'));
    commitFirst();
    await first;
    expect(await second).toBe(0);
    const rows = await outbox();
    expect(rows.map((r) => r.step).sort()).toEqual(['before-1', 'before-30', 'before-7', 'before-suspension', 'grace']);
    // A writer that skipped the lock could not queue one twice either: the key refuses it.
    const copy = await db.kysely
      .insertInto('outbox')
      .values(rows[0] as (typeof rows)[number])
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(copy)).toBe(true);
  });

  it('leaves out subscribers who opted out, whether or not anyone else has', async () => {
    const contact = (cardId: string, optedOut: 0 | 1) =>
      h.services.db.kysely
        .insertInto('card_contacts')
        .values({ card_id: cardId, channel: 'sms', email: null, locale: 'zh-CN', opted_out: optedOut, updated_at: TODAY })
        .execute();
    const idOf = async (card: { msisdn: string }) =>
      (await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', card.msisdn).executeTakeFirstOrThrow()).id;
    // Today: contacts exist, but nobody has opted out.
    const withContact = await newCard(h, addDays(TODAY, 7));
    const withoutContact = await newCard(h, addDays(TODAY, 7));
    await contact(await idOf(withContact), 0);
    expect(await h.services.reminders.sweep()).toBe(2);
    // Tomorrow: one of the day's two cards has opted out.
    const optedOut = await newCard(h, addDays(TODAY, 8));
    const staying = await newCard(h, addDays(TODAY, 8));
    await contact(await idOf(optedOut), 1);
    h.clock.advance(24 * 60 * 60_000);
    expect(await h.services.reminders.sweep()).toBe(1);
    const queued = new Set((await outbox()).map((r) => r.card_id));
    expect(queued).toEqual(new Set([await idOf(withContact), await idOf(withoutContact), await idOf(staying)]));
  });

  it('catches up the days the server was down, at most a week back', async () => {
    await h.services.reminders.sweep();
    const missed = await newCard(h, addDays(TODAY, 7 + 3)); // its before-7 day is in 3 days
    h.clock.advance(5 * 24 * 60 * 60_000);
    expect(await h.services.reminders.sweep()).toBeGreaterThanOrEqual(1);
    expect((await outbox()).some((r) => r.valid_until === missed.validUntil && r.step === 'before-7')).toBe(true);
  });

  it('sends each reminder rendered in the subscriber language with price and a signed link', async () => {
    const cards = await cardsForEveryStep();
    await h.services.reminders.sweep();
    const report = await h.services.dispatcher.drain();
    expect(report).toMatchObject({ claimed: 5, sent: 5 });
    const messages = sent('sms');
    expect(messages).toHaveLength(5);
    const week = messages.find((m) => m.to === cards['before-7'].msisdn);
    expect(week?.text).toContain(maskMsisdn(cards['before-7'].msisdn));
    expect(week?.text).toContain('还有7天到期');
    expect(week?.text).toContain('¥8.00');
    const link = /https:\/\/renew\.example\.test\/renew\/(\S+)/.exec(week?.text ?? '')?.[1];
    expect(link).toBeDefined();
    const verified = h.services.renewalLinks.verify(link ?? '', h.clock.now());
    expect(verified.ok).toBe(true);
    expect(sent('sms').find((m) => m.to === cards['before-suspension'].msisdn)?.text).toContain(`${addDays(TODAY, 7)}停机`);
    expect((await outbox()).every((r) => r.status === 'sent' && r.sent_at !== null)).toBe(true);
    // Nothing is sent twice.
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 0 });
    expect(sent('sms')).toHaveLength(5);
  });

  it('writes to an email address in English when the subscriber chose so', async () => {
    const card = await newCard(h, addDays(TODAY, 7));
    const row = await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', card.msisdn).executeTakeFirstOrThrow();
    await h.services.db.kysely
      .insertInto('card_contacts')
      .values({ card_id: row.id, channel: 'email', email: 'li@example.com', locale: 'en', opted_out: 0, updated_at: TODAY })
      .execute();
    await h.services.reminders.sweep();
    await h.services.dispatcher.drain();
    expect(sent('sms')).toEqual([]);
    expect(sent('email')).toEqual([
      expect.objectContaining({
        to: 'li@example.com',
        subject: `7 days left: renew your number ${maskMsisdn(card.msisdn)}`,
        text: expect.stringContaining('Renew now, 1 month for CNY 8.00'),
      }),
    ]);
  });

  it('holds SMS through quiet hours in the operator zone and sends them at the end', async () => {
    await newCard(h, addDays(TODAY, 7));
    h.clock.set(new Date('2026-11-24T14:30:00Z')); // 22:30 in Shanghai
    await h.services.reminders.sweep();
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, held: 1, sent: 0 });
    const [held] = await outbox();
    expect(held).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: '2026-11-25T01:00:00.000Z' }); // 09:00 local
    h.clock.set(new Date('2026-11-25T00:59:00Z'));
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 0 });
    h.clock.set(new Date('2026-11-25T01:00:00Z'));
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 1, sent: 1 });
  });

  it('cancels a reminder when the card was renewed meanwhile, and skips an opted-out subscriber', async () => {
    const renewed = await newCard(h, addDays(TODAY, 7));
    const optedOut = await newCard(h, addDays(TODAY, 7));
    await h.services.reminders.sweep();
    await renewOnline(h, renewed, 'm1');
    const id = (await h.services.db.kysely.selectFrom('cards').select('id').where('msisdn', '=', optedOut.msisdn).executeTakeFirstOrThrow()).id;
    await h.services.db.kysely
      .insertInto('card_contacts')
      .values({ card_id: id, channel: 'sms', email: null, locale: 'zh-CN', opted_out: 1, updated_at: TODAY })
      .execute();
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 2, sent: 0, dropped: 2 });
    const rows = await outbox();
    expect(rows.map((r) => [r.card_id === id ? 'opted-out' : 'renewed', r.status, r.last_error]).sort()).toEqual([
      ['opted-out', 'skipped', 'opted_out'],
      ['renewed', 'cancelled', 'renewed'],
    ]);
    expect(sent('sms')).toEqual([]);
    // The renewed card's new date gets its own reminders in due time; an opted-out card none.
    h.clock.set(new Date(`${addDays(TODAY, 1)}T04:00:00Z`));
    await h.services.reminders.sweep();
    expect((await outbox()).filter((r) => r.card_id === id)).toHaveLength(1);
  });

  it('lets the operator change the schedule and transports, with secrets never answered', async () => {
    const url = '/v1/admin/operators/demo/notifications';
    const defaults = await h.admin('GET', url);
    expect(defaults.status).toBe(200);
    expect(defaults.body.schedule.map((s: { code: string }) => s.code)).toEqual(['before-30', 'before-7', 'before-1', 'grace', 'before-suspension']);
    expect(defaults.body).toMatchObject({ quietHours: { start: '21:00', end: '09:00' }, transports: { sms: { kind: 'console' } }, customised: false });

    const badStep = { ...defaults.body.schedule[0], templates: { ...defaults.body.schedule[0].templates, en: { text: 'Hi {{name}}', subject: 's' } } };
    const refused = await h.admin('PATCH', url, { schedule: [badStep] });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { fields: ['/schedule/0/templates/en/text'] } } } });
    expect((await h.admin('PATCH', url, { quietHours: { start: '25:00', end: '09:00' } })).status).toBe(400);

    const sms = {
      kind: 'http',
      url: 'https://sms.example.test/send',
      headers: { Authorization: 'Bearer very-secret' },
      body: { to: '{{to}}', text: '{{text}}' },
    };
    const saved = await h.admin('PATCH', url, { transports: { sms }, quietHours: { start: '22:00', end: '08:00' } });
    expect(saved.status).toBe(200);
    expect(saved.raw).not.toContain('very-secret');
    expect(saved.body.transports.sms.headers.Authorization).toBe('***');
    // Saving the answer back keeps the stored secret.
    expect((await h.admin('PATCH', url, { transports: saved.body.transports })).status).toBe(200);
    const operator = await h.services.catalog.operatorByCode('demo');
    const stored = await h.services.notificationSettings.of(operator?.id ?? '');
    expect(stored.transports.sms).toMatchObject({ headers: { Authorization: 'Bearer very-secret' } });
    expect(stored.quietHours).toEqual({ start: '22:00', end: '08:00' });

    expect((await h.admin('PATCH', url, { schedule: [{ ...defaults.body.schedule[1], code: 'week' }] })).body.schedule).toHaveLength(1);
    expect((await h.admin('PATCH', url, { schedule: null })).body.schedule).toHaveLength(5);
  });

  it('shows upcoming reminders and every message with its delivery log, recipients masked', async () => {
    const card = await newCard(h, addDays(TODAY, 7));
    await newCard(h, addDays(TODAY, 33)); // its before-30 day is in 3 days
    await h.services.reminders.sweep();
    await h.services.dispatcher.drain();
    const summary = await h.admin('GET', '/v1/admin/operators/demo/reminders?days=7');
    expect(summary.body).toMatchObject({ today: TODAY, messages: { sent: 1 } });
    expect(summary.body.upcoming).toEqual(
      expect.arrayContaining([
        { day: TODAY, steps: { 'before-7': 1 } },
        { day: addDays(TODAY, 3), steps: { 'before-30': 1 } },
      ]),
    );
    const messages = await h.admin('GET', '/v1/admin/operators/demo/messages?status=sent');
    expect(messages.body).toEqual([
      expect.objectContaining({
        step: 'before-7',
        to: maskMsisdn(card.msisdn),
        status: 'sent',
        attempts: 1,
        deliveries: [expect.objectContaining({ ok: true, transport: 'console' })],
      }),
    ]);
    expect(messages.raw).not.toContain(card.msisdn);
    const retry = await h.admin('POST', `/v1/admin/operators/demo/messages/${encodeURIComponent(messages.body[0].id)}/retry`);
    expect(retry).toMatchObject({ status: 404, body: { error: { code: 'message_not_found' } } });
  });
});
