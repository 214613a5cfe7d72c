/**
 * /metrics: refused without the metrics token (and absent while none is set), Prometheus
 * text with it; the counters move when a card is renewed online and at the counter, requests
 * are labelled by route pattern, and the gauges read from the database (outbox, dead
 * letters, waiting tickets) follow the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsListener } from '../../src/app.js';
import { ID_CHECK, setUpHall, signIn } from '../hall/support.js';
import { DIALECTS } from '../support/databases.js';
import { DEFAULT_NOW, type Harness, newCard, notify, placeOrder, SANDBOX_ON, startHarness } from '../support/harness.js';
import { declaredFamilies, METRICS_TOKEN, sampleValue, scrape } from '../support/metrics.js';

describe.each(DIALECTS)('/metrics on %s', (dialect) => {
  let h: Harness;
  let hall: string;
  beforeAll(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_METRICS_TOKEN: METRICS_TOKEN });
    hall = (await setUpHall(h)).hall;
  });
  afterAll(() => h?.close());

  it('refuses a request without the token or with another, and answers Prometheus text with it', async () => {
    const none = await h.request({ method: 'GET', url: '/metrics' });
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    const wrong = await h.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const admin = await h.admin('GET', '/metrics');
    expect(admin.status, 'the admin token is not the metrics token').toBe(401);

    const ok = await h.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers['cache-control']).toBe('no-store');
    const families = declaredFamilies(ok.raw);
    expect(families.get('simkeep_http_request_duration_seconds')).toBe('histogram');
    expect(families.get('simkeep_renewals_total')).toBe('counter');
    expect(families.get('simkeep_outbox_due_messages')).toBe('gauge');
  });

  it('counts an online renewal: the order, the payment by provider and outcome, the renewal by channel', async () => {
    const card = await newCard(h, '2026-12-31');
    const before = await scrape(h);
    const lookup = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
    expect(lookup.status).toBe(200);
    const quote = await h.request({ method: 'POST', url: '/v1/quotes', payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1' } });
    expect(quote.status).toBe(200);
    const order = (await placeOrder(h, card, 'm1')).body;
    const event = { id: `evt-${order.id}`, type: 'payment.succeeded', data: { paymentId: order.payment.id, amount: order.total, currency: order.currency } };
    expect((await notify(h, event)).status).toBe(200);
    // The provider sends it again: a duplicate, not a second payment.
    expect((await notify(h, event)).status).toBe(200);
    const after = await scrape(h);

    const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('simkeep_orders_created_total', { channel: 'online', provider: 'sandbox' })).toBe(1);
    expect(moved('simkeep_payments_total', { provider: 'sandbox', outcome: 'succeeded' })).toBe(1);
    expect(moved('simkeep_payments_total', { provider: 'sandbox', outcome: 'duplicate' })).toBe(1);
    expect(moved('simkeep_renewals_total', { channel: 'online' })).toBe(1);
    expect(moved('simkeep_renewals_total', { channel: 'counter' })).toBe(0);
    expect(moved('simkeep_db_query_duration_seconds_count', { statement: 'insert', outcome: 'ok' })).toBeGreaterThan(0);

    // An admin's refund of it.
    expect((await h.admin('POST', `/v1/admin/orders/${order.id}/refund`, { reason: 'customer asked' })).status).toBe(200);
    expect(
      sampleValue(await scrape(h), 'simkeep_refunds_total', { channel: 'online', outcome: 'refunded' }) -
        sampleValue(after, 'simkeep_refunds_total', { channel: 'online', outcome: 'refunded' }),
    ).toBe(1);
  });

  it('counts a renewal at the counter by channel and payment method', async () => {
    const clerk = await signIn(h, 'clerk1');
    const counter = (await h.admin('GET', `/v1/admin/halls/${hall}`)).body.counters[0].id as string;
    const supervisor = await signIn(h, 'super1');
    await supervisor.call('POST', `/v1/console/counters/${counter}/open`);
    expect((await clerk.call('POST', '/v1/console/shifts', { counter, float: 10_000 })).status).toBe(201);
    const card = await newCard(h, '2026-12-31');
    const before = await scrape(h);
    const renewal = await clerk.call(
      'POST',
      '/v1/console/renewals',
      { msisdn: card.msisdn, iccid: card.iccid, plan: 'm3', idCheck: ID_CHECK, payment: { method: 'cash', tendered: 3000 } },
      { 'idempotency-key': `metrics-${Date.now()}` },
    );
    expect(renewal.status, renewal.raw).toBe(201);
    const after = await scrape(h);
    const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('simkeep_orders_created_total', { channel: 'counter', provider: 'cash' })).toBe(1);
    expect(moved('simkeep_payments_total', { provider: 'cash', outcome: 'succeeded' })).toBe(1);
    expect(moved('simkeep_renewals_total', { channel: 'counter' })).toBe(1);
    expect(moved('simkeep_renewals_total', { channel: 'online' })).toBe(0);

    // Voided within the shift: the counter's refund.
    const order = renewal.body.order as string;
    expect((await clerk.call('POST', `/v1/console/renewals/${order}/void`, { reason: 'wrong card' })).status).toBe(200);
    expect((await supervisor.call('POST', `/v1/console/renewals/${order}/void/approve`)).status).toBe(200);
    const voided = await scrape(h);
    expect(
      sampleValue(voided, 'simkeep_refunds_total', { channel: 'counter', outcome: 'refunded' }) -
        sampleValue(after, 'simkeep_refunds_total', { channel: 'counter', outcome: 'refunded' }),
    ).toBe(1);
  });

  it('counts a payment of the wrong amount as a mismatch, and its money as a refund pending', async () => {
    const card = await newCard(h, '2026-12-31');
    const order = (await placeOrder(h, card, 'm1')).body;
    const before = await scrape(h);
    const event = {
      id: `evt-${order.id}`,
      type: 'payment.succeeded',
      data: { paymentId: order.payment.id, amount: order.total - 1, currency: order.currency },
    };
    expect((await notify(h, event)).status).toBe(200);
    const after = await scrape(h);
    const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('simkeep_payments_total', { provider: 'sandbox', outcome: 'mismatch' })).toBe(1);
    expect(moved('simkeep_refunds_total', { channel: 'online', outcome: 'pending' })).toBe(1);
    expect(moved('simkeep_renewals_total', {})).toBe(0);
  });

  it('labels requests by route pattern and status, never by the URL, and unmatched ones as one', async () => {
    await h.request({ method: 'GET', url: '/v1/orders/ord_secret123' });
    await h.request({ method: 'GET', url: '/no/such/route/12345' });
    const text = await scrape(h);
    expect(sampleValue(text, 'simkeep_http_request_duration_seconds_count', { method: 'GET', route: '/v1/orders/:id', status: '404' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sampleValue(text, 'simkeep_http_request_duration_seconds_count', { method: 'POST', route: '/v1/orders', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'simkeep_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('ord_secret123');
    expect(text).not.toContain('12345');
  });

  it('reads the outbox, its dead letters and the halls’ waiting tickets from the database at each scrape', async () => {
    const operatorId = (await h.services.catalog.operatorByCode('demo'))!.id;
    const message = (id: string, status: 'pending' | 'dead', dueSecondsAgo: number) => ({
      id,
      kind: 'message' as const,
      operator_id: operatorId,
      card_id: null,
      valid_until: null,
      step: null,
      channel: 'sms' as const,
      recipient: '+8613800138000',
      subject: null,
      body: 'hello',
      status,
      attempts: status === 'dead' ? 8 : 0,
      next_attempt_at: new Date(h.clock.now().getTime() - dueSecondsAgo * 1000).toISOString(),
      lease_until: null,
      last_error: null,
      provider_id: null,
      created_at: DEFAULT_NOW,
      sent_at: null,
    });
    const before = await scrape(h);
    await h.services.db.kysely
      .insertInto('outbox')
      .values([message('out_due1', 'pending', 600), message('out_due2', 'pending', 5), message('out_later', 'pending', -3600), message('out_dead', 'dead', 60)])
      .execute();
    expect((await h.request({ method: 'POST', url: `/v1/halls/${hall}/tickets`, payload: { service: 'renewal' } })).status).toBe(201);
    const after = await scrape(h);
    expect(sampleValue(after, 'simkeep_outbox_due_messages') - sampleValue(before, 'simkeep_outbox_due_messages')).toBe(2);
    expect(sampleValue(after, 'simkeep_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(sampleValue(after, 'simkeep_outbox_dead_letters', { operator: 'demo', kind: 'message' })).toBe(1);
    expect(sampleValue(after, 'simkeep_outbox_dead_letters', { operator: 'demo', kind: 'webhook' })).toBe(0);
    expect(sampleValue(after, 'simkeep_hall_waiting_tickets', { hall, hall_name: 'Central hall', operator: 'demo' })).toBe(1);

    await h.services.db.kysely.updateTable('outbox').set({ status: 'sent' }).where('id', 'in', ['out_due1', 'out_due2', 'out_dead']).execute();
    const drained = await scrape(h);
    expect(sampleValue(drained, 'simkeep_outbox_dead_letters', { kind: 'message' })).toBe(0);
    expect(sampleValue(drained, 'simkeep_outbox_due_messages')).toBe(sampleValue(before, 'simkeep_outbox_due_messages'));
  });

  it('shows the PostgreSQL pool of the process; SQLite has none', async () => {
    const text = await scrape(h);
    expect(declaredFamilies(text).get('simkeep_db_pool_clients')).toBe('gauge');
    if (dialect === 'postgres') {
      expect(sampleValue(text, 'simkeep_db_pool_clients', { state: 'open' })).toBeGreaterThanOrEqual(1);
      expect(sampleValue(text, 'simkeep_db_pool_clients', { state: 'waiting' })).toBe(0);
    } else {
      expect(text).not.toMatch(/^simkeep_db_pool_clients\{/m);
    }
  });
});

describe('/metrics without a metrics token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(() => h?.close());

  it('is not there: 404 even with a bearer token', async () => {
    expect(await h.request({ method: 'GET', url: '/metrics' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await h.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
  });

  it('is served without a token by the listener of SIMKEEP_METRICS_PORT, with the process’s own metrics, and nothing else there', async () => {
    const listener = await startMetricsListener(h.services.metrics, { metricsPort: 0, metricsHost: '127.0.0.1' });
    try {
      const url = listener.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = declaredFamilies(await response.text());
      expect(families.get('simkeep_renewals_total')).toBe('counter');
      expect(families.get('process_cpu_user_seconds_total')).toBe('counter');
      expect((await fetch(url.replace('/metrics', '/v1/storefront'))).status).toBe(404);
    } finally {
      await listener.close();
    }
    expect(await startMetricsListener(h.services.metrics, { metricsHost: '127.0.0.1' })).toMatchObject({ url: undefined });
  });
});
