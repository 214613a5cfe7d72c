/**
 * A running simkeep wired to the fake Alipay, WeChat Pay and UnionPay gateways: the fakes
 * follow the harness's clock and deliver their notifications through `app.inject`, as
 * if over the network to the notify URL they were given.
 */
import type { DialectName } from '../../src/db/database.js';
import { FakeGateways } from './fake-gateways.js';
import { pendingOrder, type TestCard } from './flows.js';
import { type Harness, newCard, newOperator, newPlan, SANDBOX_ON, startHarness } from './harness.js';

export const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
export const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

export interface ProviderHarness {
  h: Harness;
  fake: FakeGateways;
  close(): Promise<void>;
}

export async function startProviderHarness(dialect: DialectName): Promise<ProviderHarness> {
  const fake = await FakeGateways.start();
  // The sandbox on, as in the demo: the suites also check it is offered beside the operator's own providers.
  const h = await startHarness(dialect, SANDBOX_ON);
  fake.now = () => h.clock.now();
  fake.deliver = async (url, init) => {
    const target = new URL(url);
    if (target.origin !== 'https://renew.example.test') throw new Error(`notification to a foreign URL: ${url}`);
    const response = await h.request({ method: 'POST', url: `${target.pathname}${target.search}`, headers: init.headers, payload: init.body });
    return { status: response.status, body: response.raw };
  };
  await newOperator(h);
  await newPlan(h, { code: 'm1', months: 1, price: 800 });
  return {
    h,
    fake,
    close: async () => {
      await h.close();
      await fake.close();
    },
  };
}

export function configure(h: Harness, provider: string, settings: Record<string, unknown>, enabled = true, operator = 'demo') {
  return h.admin('PUT', `/v1/admin/operators/${operator}/payment-providers/${provider}`, { enabled, settings });
}

/** A new card and its unpaid order for the plan m1 (CNY 8.00), paid by the provider. */
export async function providerOrder(h: Harness, provider: string, validUntil = '2027-01-31') {
  const card: TestCard = await newCard(h, validUntil);
  const order = await pendingOrder(h, card, 'm1', { payment: provider });
  return { card, order: order as typeof order & { payment: { id: string; checkoutUrl: string; provider: string } } };
}

export function openCheckout(h: Harness, checkoutUrl: string, userAgent = DESKTOP) {
  return h.request({ method: 'GET', url: checkoutUrl, headers: { 'user-agent': userAgent } });
}

export function eventsOf(h: Harness, paymentId: string) {
  return h.services.db.kysely.selectFrom('payment_events').selectAll().where('payment_id', '=', paymentId).orderBy('received_at').orderBy('event_id').execute();
}

/** The hidden fields of a self-submitting form page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const decodeEntities = (value: string) =>
    value.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '');
  const action = decodeEntities(/<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [decodeEntities(m[1] ?? ''), decodeEntities(m[2] ?? '')]),
  );
  return { action, fields };
}
