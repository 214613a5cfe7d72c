/**
 * Outbound webhooks on both databases, delivered over HTTP to a local receiver that checks
 * every signature: order events written with the change, lifecycle events from the daily
 * sweep (once), retries, replays, and switched-off endpoints.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/cards/calendar.js';
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/webhook-signature.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, placeOrder, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: { id: string; type: string; operator: string; data: any };
  signed: boolean;
}

interface Receiver {
  url: string;
  secret: string;
  received: Received[];
  answer: number;
  close(): Promise<void>;
}

async function startReceiver(now: () => Date): Promise<Receiver> {
  const receiver = { received: [] as Received[], answer: 200, secret: '' } as Receiver;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const signature = req.headers['simkeep-signature'];
      receiver.received.push({ headers: req.headers, body: JSON.parse(raw), signed: verifyWebhookSignature(receiver.secret, raw, String(signature), now()) });
      res.writeHead(receiver.answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

describe('webhook signatures', () => {
  it('verify only the signed body, with the right secret, within the tolerance', () => {
    const at = new Date('2026-11-24T04:00:00Z');
    const header = signWebhook('whsec_a', '{"a":1}', at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_a', '{"a":1}', header, at)).toBe(true);
    expect(verifyWebhookSignature('whsec_a', '{"a":2}', header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_b', '{"a":1}', header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_a', '{"a":1}', header, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifyWebhookSignature('whsec_a', '{"a":1}', 'garbage', at)).toBe(false);
    expect(verifyWebhookSignature('whsec_a', '{"a":1}', undefined, at)).toBe(false);
  });
});

describe.each(DIALECTS)('webhooks on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;

  beforeEach(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_OUTBOX_MAX_ATTEMPTS: '3' });
    receiver = await startReceiver(() => h.clock.now());
    await newOperator(h);
    await newPlan(h);
  });

  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  async function register(events?: string[]) {
    const created = await h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: receiver.url, ...(events ? { events } : {}) });
    expect(created.status).toBe(201);
    receiver.secret = created.body.secret;
    return created.body as { id: string; secret: string };
  }

  const types = () => receiver.received.map((r) => r.body.type);

  it('delivers order events, signed, with the receipt once the order is fulfilled', async () => {
    await register();
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'm1');
    expect(await h.services.dispatcher.drain()).toMatchObject({ sent: 2, retried: 0 });
    expect(types().sort()).toEqual(['order.created', 'order.fulfilled']);
    for (const r of receiver.received) {
      expect(r.signed).toBe(true);
      expect(r.body.operator).toBe('demo');
      expect(r.headers['simkeep-event']).toBe(r.body.type);
      expect(r.headers['simkeep-event-id']).toBe(r.body.id);
    }
    const fulfilled = receiver.received.find((r) => r.body.type === 'order.fulfilled')?.body.data;
    expect(fulfilled).toMatchObject({
      order: { id: order.id, status: 'fulfilled', validUntilBefore: '2027-01-31', validUntilAfter: '2027-02-28', receipt: 'DEMO-2026-000001' },
      card: { msisdn: card.msisdn },
    });
    expect(await h.services.dispatcher.drain()).toMatchObject({ claimed: 0 });
  });

  it('queues a batch of events for every endpoint, past the rows one insert can carry', async () => {
    const endpoints = [await register(), await register(['order.fulfilled'])];
    await register(['order.created']); // not subscribed: gets none
    const operator = await h.services.catalog.operatorByCode('demo');
    if (!operator) throw new Error('no operator');
    const at = h.clock.now();
    const events = Array.from({ length: 1000 }, (_, i) => ({ data: { order: { id: `ord_${i}` } }, at }));
    await h.services.db.kysely.transaction().execute((trx) => h.services.events.publishAll(trx, operator.id, 'order.fulfilled', events));
    const rows = await h.services.db.kysely.selectFrom('outbox').select(['id', 'recipient', 'body']).where('kind', '=', 'webhook').execute();
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2000);
    for (const endpoint of endpoints) {
      const orders = rows
        .filter((r) => r.recipient === endpoint.id)
        .map((r) => (JSON.parse(r.body ?? '{}') as { data: { order: { id: string } } }).data.order.id);
      expect(new Set(orders)).toEqual(new Set(events.map((e) => e.data.order.id)));
    }
  });

  it('sends an endpoint only the events it subscribed to, and nothing once switched off', async () => {
    const endpoint = await register(['order.cancelled']);
    const card = await newCard(h, '2027-01-31');
    const pending = (await placeOrder(h, card, 'm1')).body;
    expect((await h.request({ method: 'POST', url: `/v1/orders/${pending.id}/cancel` })).status).toBe(200);
    await h.services.dispatcher.drain();
    expect(types()).toEqual(['order.cancelled']);
    expect(receiver.received[0]?.body.data).toEqual({ order: { id: pending.id, status: 'cancelled' } });

    expect((await h.admin('PATCH', `/v1/admin/operators/demo/webhooks/${endpoint.id}`, { active: false })).body.active).toBe(false);
    const other = (await placeOrder(h, await newCard(h, '2027-01-31'), 'm1')).body;
    await h.request({ method: 'POST', url: `/v1/orders/${other.id}/cancel` });
    await h.services.dispatcher.drain();
    expect(types()).toEqual(['order.cancelled']);
    const listed = await h.admin('GET', '/v1/admin/operators/demo/webhooks');
    expect(listed.raw).not.toContain(endpoint.secret);
  });

  it('records lifecycle events in the daily sweep and delivers each once', async () => {
    await register(['card.expiring_soon', 'card.grace', 'card.suspended', 'card.recycled']);
    const today = '2026-11-24';
    const cards = {
      expiring_soon: await newCard(h, addDays(today, 7)),
      grace: await newCard(h, addDays(today, -1)),
      suspended: await newCard(h, addDays(today, -31)),
      recycled: await newCard(h, addDays(today, -121)),
    };
    await h.services.reminders.sweep();
    await h.services.reminders.sweep();
    await h.services.dispatcher.drain();
    expect(types().sort()).toEqual(['card.expiring_soon', 'card.grace', 'card.recycled', 'card.suspended']);
    for (const r of receiver.received) {
      const status = r.body.type.slice('card.'.length) as keyof typeof cards;
      expect(r.signed).toBe(true);
      expect(r.body.data.card).toMatchObject({ msisdn: cards[status].msisdn, validUntil: cards[status].validUntil, status });
    }
    const events = await h.services.db.kysely.selectFrom('card_events').select('kind').where('id', 'like', 'lc:%').execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['expiring_soon', 'grace', 'recycled', 'suspended']);
  });

  it('retries a failing endpoint, logs each attempt, and replays a delivery on request', async () => {
    await register(['order.created']);
    await placeOrder(h, await newCard(h, '2027-01-31'), 'm1');
    receiver.answer = 503;
    expect(await h.services.dispatcher.drain()).toMatchObject({ retried: 1 });
    receiver.answer = 200;
    h.clock.advance(2 * 60_000);
    expect(await h.services.dispatcher.drain()).toMatchObject({ sent: 1 });
    const [delivery] = (await h.admin('GET', '/v1/admin/operators/demo/messages?kind=webhook')).body;
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, deliveries: [{ ok: false, detail: expect.stringContaining('503') }, { ok: true }] });

    const replay = await h.admin('POST', `/v1/admin/operators/demo/messages/${encodeURIComponent(delivery.id)}/replay`);
    expect(replay.status).toBe(202);
    expect(await h.services.dispatcher.drain()).toMatchObject({ sent: 1 });
    const [first, , again] = receiver.received;
    expect(again?.body).toEqual(first?.body);
    expect(again?.signed).toBe(true);
    expect(again?.headers['simkeep-delivery']).toBe(replay.body.id);
    expect((await h.admin('POST', '/v1/admin/operators/demo/messages/nope/replay')).body.error.code).toBe('message_not_found');
  });

  it('refuses a bad endpoint with a clear error', async () => {
    const bad = await h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: 'ftp://example.com/x' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { fields: ['/url'] } } } });
    const unknown = await h.admin('POST', '/v1/admin/operators/demo/webhooks', { url: 'https://example.com/x', events: ['order.exploded'] });
    expect(unknown.status).toBe(400);
    expect((await h.admin('PATCH', '/v1/admin/operators/demo/webhooks/we_missing', { active: false })).body.error.code).toBe('webhook_not_found');
  });
});
