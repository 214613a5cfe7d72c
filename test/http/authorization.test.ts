/**
 * Who may call what, on every route of the OpenAPI document, so a new route cannot escape:
 * each route is either open (on the list below: anyone may call it, or a link's token, a
 * receipt's signature or a provider's signature is its proof) or documented with the
 * credential its group's guard demands. A guarded route refuses, with 401 or 403 (404 when
 * the thing is another's), an anonymous caller, the wrong kind of session, another
 * subscriber, an admin token or operator admin of another operator, a clerk or supervisor
 * on the admin routes, staff of another hall or operator on the console's, and a staff
 * write without its CSRF token; and none of these changes a row. The ids sent are real
 * (test/support/callers.ts): the rightful caller reads every guarded GET route with them,
 * so a refusal is about who calls, not about an id that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type Headers, setUpCallers, type World } from '../support/callers.js';
import { DIALECTS } from '../support/databases.js';
import { idempotencyKey, uniqueIccid, uniqueMsisdn } from '../support/harness.js';
import { documentedRoutes, type Route, validRequest } from '../support/openapi.js';

const ROUTES = await documentedRoutes();

const checkout = (provider: string) => [
  `GET /pay/${provider}/{paymentId}`,
  `GET /pay/${provider}/{paymentId}/return`,
  `POST /pay/${provider}/{paymentId}/return`,
];

/** The routes without a session or token, each group with what stands in for one. */
const OPEN = new Set([
  // Anyone: health, the storefront, signing in (subscriber and staff).
  'GET /healthz',
  'GET /readyz',
  'GET /v1/storefront',
  'POST /v1/auth/code',
  'POST /v1/auth/verify',
  'POST /v1/auth/logout',
  'POST /v1/staff/login',
  // The number and the SIM serial together, under the anti-probing limits.
  'POST /v1/cards/lookup',
  'POST /v1/quotes',
  'POST /v1/orders',
  'POST /v1/orders/find',
  'POST /v1/cards/calendar',
  'POST /v1/cards/contact/lookup',
  'PUT /v1/cards/contact',
  // An order's or a payment's unguessable id, a link's token, a receipt's signature.
  'GET /v1/orders/{id}',
  'POST /v1/orders/{id}/cancel',
  'GET /v1/orders/{id}/calendar.ics',
  'GET /v1/orders/{id}/receipt.pdf',
  ...['alipay', 'wechatpay', 'unionpay'].flatMap(checkout),
  'GET /pay/sandbox/{paymentId}',
  'POST /pay/sandbox/{paymentId}/pay',
  'POST /pay/sandbox/{paymentId}/fail',
  'GET /v1/renewal-links/{token}',
  'POST /v1/renewal-links/{token}/opt-out',
  'GET /v1/calendar/{token}.ics',
  'GET /r/{number}',
  // The hall's kiosk and board, and a ticket by its token.
  'GET /v1/halls/{hall}',
  'POST /v1/halls/{hall}/tickets',
  'POST /v1/halls/{hall}/remote-tickets',
  'GET /v1/halls/{hall}/board',
  'GET /v1/halls/{hall}/board/events',
  'GET /v1/tickets/{token}',
  'POST /v1/tickets/{token}/cancel',
  'GET /v1/tickets/{token}/qr.svg',
  // The payment providers, by the signature of their notifications.
  'POST /v1/payments/alipay/notify/{operator}',
  'POST /v1/payments/wechatpay/notify/{operator}',
  'POST /v1/payments/unionpay/notify/{operator}',
  'POST /v1/payments/sandbox/webhook',
]);

/**
 * Console routes that name no one hall's resource: the card's operator bounds those that
 * find, price and renew a card, and the others act on the caller's own session. Every
 * other console route names a hall's counter, ticket, shift, order or invoice, which staff
 * of another hall may not touch.
 */
const OPERATOR_WIDE = new Set(['POST /v1/console/cards/find', 'POST /v1/console/quotes', 'POST /v1/console/renewals']);
const OWN_SESSION = new Set(['GET /v1/staff/me', 'POST /v1/staff/logout', 'GET /v1/console/shifts/current']);

const guarded = (r: Route) => r.admin || r.staff || r.subscriber || r.monitoring;
const isWrite = (r: Route) => r.method !== 'GET';
const hallBound = (r: Route) => r.staff && !OPERATOR_WIDE.has(r.key) && !OWN_SESSION.has(r.key);
const withoutCsrf = ({ 'x-csrf-token': _, ...headers }: Headers) => headers;
/** The status and the start of a JSON answer (a PDF or a page by its type only), for a failure's line. */
const answer = (res: { status: number; body: unknown; headers: Record<string, unknown> }) =>
  `${res.status} ${typeof res.body === 'object' ? JSON.stringify(res.body).slice(0, 160) : res.headers['content-type']}`;

interface Probe {
  caller: string;
  routes: (r: Route) => boolean;
  headers: (as: World['as'], r: Route) => Headers;
  refusals: number[];
  /** Sent instead of the valid body. */
  payload?: string;
}
const PROBES: Probe[] = [
  { caller: 'an anonymous caller', routes: guarded, headers: () => ({}), refusals: [401] },
  // The guard refuses before the body is read: what it holds tells nothing to a stranger.
  {
    caller: 'an anonymous caller with a body no route takes',
    routes: (r) => guarded(r) && r.body !== undefined,
    headers: () => ({}),
    refusals: [401],
    payload: '{"x":',
  },
  { caller: 'a subscriber’s session on the staff and admin routes', routes: (r) => r.admin || r.staff, headers: (as) => as.subscriber, refusals: [401, 403] },
  {
    caller: 'another subscriber on a subscriber’s card',
    routes: (r) => r.subscriber && r.path.includes('{id}'),
    headers: (as) => as.otherSubscriber,
    refusals: [404],
  },
  // The metrics token is its own: an admin token, a staff or a subscriber's session is no key to /metrics.
  { caller: 'the admin token on the monitoring routes', routes: (r) => r.monitoring, headers: (as) => as.admin, refusals: [401] },
  { caller: 'an operator admin on the monitoring routes', routes: (r) => r.monitoring, headers: (as) => as.operatorAdmin, refusals: [401] },
  { caller: 'a subscriber on the monitoring routes', routes: (r) => r.monitoring, headers: (as) => as.subscriber, refusals: [401] },
  { caller: 'a staff session on the subscriber routes', routes: (r) => r.subscriber, headers: (as) => as.supervisor, refusals: [401] },
  { caller: 'an admin token of another operator', routes: (r) => r.admin, headers: (as) => as.rivalToken, refusals: [403, 404] },
  { caller: 'an operator admin of another operator', routes: (r) => r.admin, headers: (as) => as.rivalAdmin, refusals: [403, 404] },
  { caller: 'a clerk on the admin routes', routes: (r) => r.admin, headers: (as) => as.clerk, refusals: [403] },
  { caller: 'a supervisor on the admin routes', routes: (r) => r.admin, headers: (as) => as.supervisor, refusals: [403] },
  { caller: 'a clerk of another hall', routes: hallBound, headers: (as) => as.otherHallClerk, refusals: [403, 404] },
  { caller: 'a supervisor of another hall', routes: hallBound, headers: (as) => as.otherHallSupervisor, refusals: [403, 404] },
  { caller: 'a clerk of another operator', routes: (r) => r.staff && !OWN_SESSION.has(r.key), headers: (as) => as.rivalClerk, refusals: [403, 404] },
  {
    caller: 'a staff write without X-CSRF-Token',
    routes: (r) => (r.admin || r.staff) && isWrite(r),
    headers: (as, r) => withoutCsrf(r.admin ? as.operatorAdmin : as.supervisor),
    refusals: [403],
  },
];

/** The rows no refusal may change: the operators' and subscribers' data, and the credentials. */
const DATA = [
  'operators',
  'plans',
  'promotions',
  'cards',
  'card_events',
  'orders',
  'payments',
  'receipts',
  'halls',
  'hall_services',
  'hall_counters',
  'hall_tickets',
  'staff',
  'counter_shifts',
  'counter_payments',
  'invoice_requests',
  'webhook_endpoints',
  'payment_providers',
  'notification_settings',
  'accounts',
  'account_cards',
  'card_contacts',
  'admin_tokens',
] as const;

it('knows every route of the document: open and listed here, or guarded with a documented credential', () => {
  const documented = new Set(ROUTES.map((r) => r.key));
  const consoleRoutes = new Set(ROUTES.filter((r) => r.staff).map((r) => r.key));
  expect({
    'neither listed nor guarded': ROUTES.filter((r) => !guarded(r) && !OPEN.has(r.key)).map((r) => r.key),
    'listed as open but guarded': ROUTES.filter((r) => guarded(r) && OPEN.has(r.key)).map((r) => r.key),
    'listed but not in the document': [...OPEN].filter((k) => !documented.has(k)),
    'listed as console routes but not': [...OPERATOR_WIDE, ...OWN_SESSION].filter((k) => !consoleRoutes.has(k)),
  }).toEqual({
    'neither listed nor guarded': [],
    'listed as open but guarded': [],
    'listed but not in the document': [],
    'listed as console routes but not': [],
  });
});

describe.each(DIALECTS)('who may call each route, on %s', (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await setUpCallers(dialect);
  }, 60_000);
  afterAll(() => w?.close());

  /** The route's request with real ids and a valid body, as `headers` would send it. */
  function requestOf(route: Route, headers: Headers) {
    const { ids } = w;
    const owner = /\/([^/]+)\/\{id\}/.exec(route.path)?.[1] ?? '';
    const idOf: Record<string, string> = {
      promotions: ids.promotion,
      webhooks: ids.webhook,
      messages: ids.message,
      staff: ids.staff,
      orders: ids.onlineOrder,
      cards: ids.accountCard,
    };
    // Registering a card or swapping a SIM wants a number and a serial no card has.
    const registers = /\/(cards|replace-sim)$/.test(route.path);
    const fixtures: Record<string, unknown> = {
      operator: 'demo',
      id: idOf[owner],
      msisdn: registers ? uniqueMsisdn() : ids.card.msisdn,
      iccid: registers ? uniqueIccid() : ids.card.iccid,
      plan: 'm3',
      service: 'renewal',
      username: 'new.clerk',
      hall: ids.hall,
      counter: ids.counter,
      ticket: ids.ticket,
      shift: ids.shift,
      order: ids.counterOrder,
      invoice: ids.invoice,
      from: '2026-11-24',
      to: '2026-11-24',
      'idempotency-key': idempotencyKey(),
    };
    const request = validRequest(route, (name, where) => {
      if (where === 'path' && name === 'msisdn') return ids.msisdn;
      if (name === 'code') return where === 'path' ? 'm1' : route.path === '/v1/admin/operators' ? 'new-operator' : 'NEW1';
      return fixtures[name];
    });
    return { ...request, headers: { ...request.headers, ...headers } };
  }

  async function snapshot() {
    const db = w.h.services.db.kysely;
    const rows = await Promise.all(DATA.map(async (t) => JSON.stringify((await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort())));
    return new Map(DATA.map((t, i) => [t, rows[i]]));
  }

  it('lets the rightful caller read every guarded GET route with these ids', async () => {
    const rightful = (r: Route): Caller => (r.admin ? 'admin' : r.staff ? 'supervisor' : r.monitoring ? 'metrics' : 'subscriber');
    const failures: string[] = [];
    for (const route of ROUTES.filter((r) => guarded(r) && !isWrite(r))) {
      const res = await w.h.request(requestOf(route, w.as[rightful(route)]));
      if (res.status !== 200) failures.push(`${route.key} as ${rightful(route)}: ${answer(res)}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(PROBES.map((p) => [p.caller, p] as const))('refuses %s on every route it may not call', async (_caller, probe) => {
    const routes = ROUTES.filter(probe.routes);
    expect(routes.length).toBeGreaterThan(0);
    const before = await snapshot();
    const failures: string[] = [];
    for (const route of routes) {
      const request = requestOf(route, probe.headers(w.as, route));
      const res = await w.h.request(probe.payload === undefined ? request : { ...request, payload: probe.payload });
      if (!probe.refusals.includes(res.status)) failures.push(`${route.key}: ${answer(res)}`);
    }
    const after = await snapshot();
    for (const [table, rows] of before) if (after.get(table) !== rows) failures.push(`changed rows of ${table}`);
    expect(failures).toEqual([]);
  });
});
