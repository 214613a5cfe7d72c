/**
 * Malformed input on every route of the OpenAPI document (so a new route cannot be
 * forgotten): broken JSON, wrong types, missing and unknown fields, huge strings and
 * numbers, U+0000, bad path, query and header values, missing credentials. Each answer
 * must be a 4xx with a string error code, never a 5xx, and nothing may be written
 * (`probe_failures` may grow only for `card_not_found`). The cases come from the route's
 * documented schemas; the invalid ones are checked against that schema first, so what is
 * sent is invalid by the document, not by a guess. Route-specific cases that only the
 * service can refuse (a date that does not exist, a bad check digit…) are at the end.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxEvent } from '../../src/payments/sandbox-signature.js';
import { DIALECTS } from '../support/databases.js';
import {
  ADMIN_TOKEN,
  type Harness,
  idempotencyKey,
  newCard,
  newOperator,
  newPlan,
  newPromotion,
  renewOnline,
  SANDBOX_ON,
  startHarness,
  uniqueIccid,
  uniqueMsisdn,
} from '../support/harness.js';
import { accepts, documentedRoutes, hostile, type Route, refused, type Schema, sample } from '../support/openapi.js';

interface Case {
  label: string;
  request: InjectOptions;
  code?: string;
  anyStatusBelow500?: boolean;
}

const ROUTES = await documentedRoutes();

describe.each(DIALECTS)('malformed input on every route on %s', (dialect) => {
  let h: Harness;
  let fx: {
    card: { msisdn: string; iccid: string };
    pending: { id: string; payment: { id: string } };
    fulfilled: { id: string; receipt: { number: string } };
    promotion: { id: string };
    hall: { id: string; counter: string; staff: string; ticket: { id: string; token: string } };
  };
  /** The clerk's session for the staff-only routes. */
  let session: { cookie: string; csrf: string };
  const TABLES = [
    'operators',
    'plans',
    'promotions',
    'cards',
    'card_events',
    'orders',
    'payments',
    'payment_events',
    'redemptions',
    'receipts',
    'receipt_sequences',
    'idempotency_keys',
    'admin_tokens',
    'settings',
    'halls',
    'hall_services',
    'hall_counters',
    'staff',
    'staff_sessions',
    'staff_login_failures',
    'audit_log',
    'hall_tickets',
    'counter_shifts',
    'counter_payments',
    'id_checks',
    'invoice_requests',
  ] as const;

  beforeAll(async () => {
    h = await startHarness(dialect, { ...SANDBOX_ON, SIMKEEP_LOOKUP_MAX_PER_MSISDN: '1000000', SIMKEEP_LOOKUP_MAX_PER_IP: '1000000' });
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    const promotion = await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
    const card = await newCard(h, '2027-01-31');
    const fulfilled = await renewOnline(h, card, 'm1');
    const pending = (
      await h.request({
        method: 'POST',
        url: '/v1/orders',
        headers: { 'idempotency-key': idempotencyKey() },
        payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' },
      })
    ).body;
    fx = { card, pending, fulfilled, promotion, hall: await newHall() };
    const login = await h.request({ method: 'POST', url: '/v1/staff/login', payload: { username: 'clerk1', password: 'correct horse battery' } });
    session = { cookie: String(([] as string[]).concat(login.headers['set-cookie'] as string)[0]).split(';')[0] as string, csrf: login.body.csrfToken };
  });
  afterAll(() => h?.close());

  /** A hall with a service, a counter, a clerk and a waiting ticket, for the hall's routes. */
  async function newHall() {
    const hall = (await h.admin('POST', '/v1/admin/operators/demo/halls', { name: 'Central', address: 'Queen’s Road' })).body;
    await h.admin('POST', `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费', en: 'Renewal' }, ticketPrefix: 'A' });
    const layout = (await h.admin('POST', `/v1/admin/halls/${hall.id}/counters`, { name: '1', services: ['renewal'] })).body;
    const staff = (
      await h.admin('POST', '/v1/admin/operators/demo/staff', {
        username: 'clerk1',
        displayName: 'Clerk',
        role: 'clerk',
        hall: hall.id,
        password: 'correct horse battery',
      })
    ).body;
    const ticket = (await h.request({ method: 'POST', url: `/v1/halls/${hall.id}/tickets`, payload: { service: 'renewal' } })).body;
    const row = await h.services.db.kysely.selectFrom('hall_tickets').select('id').where('token', '=', ticket.token).executeTakeFirstOrThrow();
    return {
      id: hall.id as string,
      counter: layout.counters[0].id as string,
      staff: staff.id as string,
      ticket: { id: row.id, token: ticket.token as string },
    };
  }

  async function snapshot() {
    const db = h.services.db.kysely;
    const tables = await Promise.all(
      TABLES.map(async (t) => [t, (await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort()] as const),
    );
    return Object.fromEntries(tables);
  }
  const probeFailures = async () =>
    Number(
      (
        await h.services.db.kysely
          .selectFrom('probe_failures')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A valid path parameter or body field: a fixture where the name has one, else the schema's sample. */
  function validValue(route: Route, name: string, s: Schema, where: 'url' | 'body'): unknown {
    const registers = where === 'body' && /\/(cards|replace-sim)$/.test(route.path); // wants a new number and SIM
    const fixtures: Record<string, unknown> = {
      operator: 'demo',
      code: where === 'url' ? 'm1' : route.path === '/v1/admin/operators' ? 'new-operator' : 'NEW1',
      msisdn: registers ? uniqueMsisdn() : fx.card.msisdn,
      iccid: registers ? uniqueIccid() : fx.card.iccid,
      plan: 'm1',
      paymentId: fx.pending.payment.id,
      return: `/orders/${fx.pending.id}`,
      number: fx.fulfilled.receipt.number,
      id: route.path.includes('/promotions/')
        ? fx.promotion.id
        : route.path.startsWith('/v1/admin/orders')
          ? fx.fulfilled.id
          : route.path.startsWith('/v1/admin/staff/')
            ? fx.hall.staff
            : fx.pending.id,
      hall: fx.hall.id,
      counter: fx.hall.counter,
      ticket: fx.hall.ticket.id,
      token: fx.hall.ticket.token,
      order: fx.fulfilled.id,
      shift: 'shf_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D',
      invoice: 'inv_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D',
      service: 'renewal',
      username: 'clerk1',
      from: '2026-11-24',
      to: '2026-11-24',
      before: 'aud_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D',
    };
    const text = where === 'url';
    const value = name in fixtures && accepts(s, fixtures[name], text) ? fixtures[name] : sample(s);
    if (!accepts(s, value, text)) throw new Error(`${route.key}: cannot make a valid ${name}; give its schema an example`);
    return value;
  }

  function requestFor(
    route: Route,
    change: {
      path?: Record<string, string>;
      rawPath?: Record<string, string>;
      query?: string;
      headers?: Record<string, string>;
      body?: unknown;
      raw?: string;
      contentType?: string;
      auth?: string | null;
    } = {},
  ): InjectOptions {
    let url = route.path;
    for (const p of route.params.filter((p) => p.in === 'path')) {
      const raw = change.rawPath?.[p.name];
      const value = raw ?? encodeURIComponent(change.path?.[p.name] ?? String(validValue(route, p.name, p.schema, 'url')));
      url = url.replace(`{${p.name}}`, value);
    }
    if (change.query !== undefined) url += `?${change.query}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (route.admin && change.auth !== null) headers.authorization = change.auth ?? `Bearer ${ADMIN_TOKEN}`;
    if (route.staff && change.auth !== null) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    if (route.params.some((p) => p.in === 'header' && p.name === 'idempotency-key')) headers['idempotency-key'] = idempotencyKey();
    Object.assign(headers, change.headers);
    let payload: string | undefined = change.raw;
    if (payload === undefined && (change.body !== undefined || route.body)) payload = JSON.stringify(change.body === undefined ? baseBody(route) : change.body);
    if (payload !== undefined) headers['content-type'] = change.contentType ?? 'application/json';
    return { method: route.method, url, headers, ...(payload === undefined ? {} : { payload }) };
  }

  function baseBody(route: Route): Record<string, unknown> {
    const s = route.body ?? {};
    const body = Object.fromEntries((s.required ?? []).map((k: string) => [k, validValue(route, k, s.properties[k], 'body')]));
    if (!accepts(s, body)) throw new Error(`${route.key}: cannot make a valid body; give its schema examples`);
    return body;
  }

  function genericCases(route: Route): Case[] {
    const cases: Case[] = [];
    const add = (label: string, change: Parameters<typeof requestFor>[1]) => cases.push({ label, request: requestFor(route, change) });
    for (const p of route.params) {
      const valid = p.in === 'header' ? 'k' : validValue(route, p.name, p.schema, 'url');
      const values: [string, unknown][] = [
        ...refused(p.schema, valid, true).map((v): [string, unknown] => [JSON.stringify(v).slice(0, 40), v]),
        ['U+0000', `${valid}\u0000`],
        ['2000 characters', 'x'.repeat(2000)],
      ];
      if (p.in === 'path') {
        const unknown = ['zz-unknown', '+8613700000000', 'ZZ-2026-000001'].find((v) => accepts(p.schema, v, true));
        if (unknown) values.push(['unknown', unknown]);
        for (const [label, v] of values) add(`path ${p.name}: ${label}`, { path: { [p.name]: String(v) } });
        add(`path ${p.name}: broken percent-encoding`, { rawPath: { [p.name]: '%E0%A4%A' } });
      } else if (p.in === 'query') {
        for (const [label, v] of values) add(`query ${p.name}: ${label}`, { query: `${p.name}=${encodeURIComponent(String(v))}` });
        add(`query ${p.name}: twice`, { query: `${p.name}=${encodeURIComponent(String(valid))}&${p.name}=${encodeURIComponent(String(valid))}` });
      } else if (p.name !== 'simkeep-signature') {
        for (const [label, v] of values.filter(([, v]) => !String(v).includes('\u0000')))
          add(`header ${p.name}: ${label}`, { headers: { [p.name]: String(v) } });
      }
    }
    if (route.staff) add('no staff session', { auth: null });
    if (route.admin) {
      add('no credentials', { auth: null });
      add('unknown token', { auth: 'Bearer sk_admin_not-a-token' });
      add('another scheme', { auth: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` });
    }
    if (!route.body) return cases;
    for (const raw of [
      '{',
      '{"a":',
      "{'a': 1}",
      '{"a": 1,}',
      'nul',
      '{"a": 01}',
      '',
      '[]',
      '"text"',
      '42',
      'null',
      'true',
      '{"__proto__": {"admin": true}}',
      '{"constructor": {"prototype": {"admin": true}}}',
    ]) {
      add(`body ${JSON.stringify(raw)}`, { raw });
    }
    add('body as text/plain', { raw: 'hello', contentType: 'text/plain' });
    add('body as a form', { raw: 'a=1', contentType: 'application/x-www-form-urlencoded' });
    add('body of 70 kB', { body: { ...baseBody(route), padding: 'x'.repeat(70_000) } });
    add('unknown property', { body: { ...baseBody(route), unexpected: true } });
    if ((route.body.required ?? []).length > 0) add('empty object', { body: {} });
    for (const name of route.body.required ?? []) {
      const { [name]: _, ...rest } = baseBody(route);
      add(`missing ${name}`, { body: rest });
    }
    for (const [name, s] of Object.entries<Schema>(route.body.properties ?? {})) {
      const valid = name in baseBody(route) ? baseBody(route)[name] : sample(s);
      for (const v of refused(s, valid)) add(`${name}: ${JSON.stringify(v).slice(0, 40)}`, { body: { ...baseBody(route), [name]: v } });
      for (const [label, v] of hostile(s, valid)) add(`${name}: ${label}`, { body: { ...baseBody(route), [name]: v } });
    }
    return cases;
  }

  type Specific = [label: string, change: Parameters<typeof requestFor>[1], code: string];

  /** Input that passes the schema but not the service, by route; each must answer exactly its code. */
  function specificTable(route: Route): Record<string, () => Specific[]> {
    const card = fx.card;
    const badLuhn = (() => {
      const iccid = uniqueIccid();
      return `${iccid.slice(0, -1)}${(Number(iccid.slice(-1)) + 1) % 10}`;
    })();
    const body = (payload: Record<string, unknown>) => ({ ...baseBody(route), ...payload });
    const sign = (raw: string) => signSandboxEvent(h.services.secrets.sandboxSecret, raw, Math.floor(h.clock.now().getTime() / 1000));
    const event = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        id: 'evt-malformed',
        type: 'payment.succeeded',
        data: { paymentId: fx.pending.payment.id, amount: 800, currency: 'CNY', ...data },
        ...extra,
      });
    return {
      'POST /v1/cards/lookup': () => [['a number no phone has', { body: { msisdn: '+1234567', iccid: card.iccid } }, 'invalid_request']],
      'POST /v1/quotes': () => [['an unknown plan', { body: body({ plan: 'nope' }) }, 'plan_not_found']],
      'POST /v1/orders': () => [
        ['an unknown payment method', { body: body({ payment: 'bitcoin' }) }, 'payment_method_unavailable'],
        ['an unknown coupon', { body: body({ coupon: 'NOPE' }) }, 'coupon_unknown'],
      ],
      'POST /v1/admin/operators': () => [
        ['an unknown time zone', { body: body({ timeZone: 'Mars/Olympus' }) }, 'invalid_request'],
        ['a code in use', { body: body({ code: 'demo' }) }, 'operator_exists'],
      ],
      'PATCH /v1/admin/operators/{operator}': () => [['an unknown time zone', { body: { timeZone: 'Nowhere/Else' } }, 'invalid_request']],
      'POST /v1/admin/operators/{operator}/plans': () => [
        ['months and days', { body: body({ months: 1, days: 30 }) }, 'invalid_request'],
        ['neither months nor days', { body: body({}) }, 'invalid_request'],
      ],
      'PATCH /v1/admin/operators/{operator}/plans/{code}': () => [['months and days', { body: { months: 1, days: 30 } }, 'invalid_request']],
      'POST /v1/admin/operators/{operator}/promotions': () => [
        ['150 % off', { body: { kind: 'percent', value: 150 } }, 'invalid_request'],
        ['a bonus without unit', { body: { kind: 'bonus', value: 1 } }, 'invalid_request'],
        ['a date that does not exist', { body: body({ startsOn: '2027-02-30' }) }, 'invalid_request'],
        ['an end before the start', { body: body({ startsOn: '2027-02-01', endsOn: '2027-01-01' }) }, 'invalid_request'],
        ['a coupon code in use', { body: body({ code: 'save5' }) }, 'promotion_exists'],
      ],
      'PATCH /v1/admin/operators/{operator}/promotions/{id}': () => [
        ['150 % off', { body: { kind: 'percent', value: 150 } }, 'invalid_request'],
        ['a date that does not exist', { body: { endsOn: '2027-13-01' } }, 'invalid_request'],
      ],
      'POST /v1/admin/operators/{operator}/cards': () => [
        ['a wrong check digit', { body: body({ iccid: badLuhn }) }, 'invalid_request'],
        ['a date that does not exist', { body: body({ validUntil: '2027-02-29' }) }, 'invalid_request'],
        ['a number no phone has', { body: body({ msisdn: '+1234567' }) }, 'invalid_request'],
        ['a card in use', { body: { msisdn: card.msisdn, iccid: card.iccid, validUntil: '2027-01-31' } }, 'card_exists'],
      ],
      'POST /v1/admin/cards/{msisdn}/replace-sim': () => [['a wrong check digit', { body: { iccid: badLuhn } }, 'invalid_request']],
      'POST /v1/admin/cards/{msisdn}/unblock': () => [['a card that is not blocked', {}, 'card_not_blocked']],
      'GET /v1/admin/orders': () => [
        ['a cursor this API never gave', { query: 'cursor=garbage' }, 'invalid_request'],
        ['a cursor holding U+0000', { query: `cursor=${Buffer.from('2026-11-24T04:00:00.000Z\u0000|ord_x').toString('base64url')}` }, 'invalid_request'],
        ['an unknown parameter', { query: 'bogus=1' }, 'invalid_request'],
      ],
      'POST /v1/admin/orders/{id}/refund': () => [['an unpaid order', { path: { id: fx.pending.id } }, 'order_not_pending']],
      'GET /v1/admin/operators/{operator}/messages': () => [['a page after a message that is not there', { query: 'before=msg_nope' }, 'invalid_request']],
      'POST /v1/halls/{hall}/tickets': () => [['an unknown service', { body: body({ service: 'nope' }) }, 'service_not_found']],
      'POST /v1/halls/{hall}/remote-tickets': () => [['a number no phone has', { body: body({ phone: '+1234567' }) }, 'invalid_request']],
      'GET /v1/tickets/{token}': () => [['an unknown token', { path: { token: 'tt_unknownunknownunknown' } }, 'ticket_not_found']],
      'POST /v1/admin/operators/{operator}/halls': () => [['an unknown time zone', { body: body({ timeZone: 'Mars/Olympus' }) }, 'invalid_request']],
      'POST /v1/admin/operators/{operator}/staff': () => [
        ['a clerk without a hall', { body: { username: 'new.clerk', displayName: 'N', role: 'clerk', password: 'correct horse battery' } }, 'invalid_request'],
        [
          'a username in use',
          { body: { username: 'clerk1', displayName: 'N', role: 'clerk', hall: fx.hall.id, password: 'correct horse battery' } },
          'staff_exists',
        ],
      ],
      'POST /v1/admin/halls/{hall}/counters': () => [['an unknown service', { body: { name: '9', services: ['nope'] } }, 'service_not_found']],
      'POST /v1/orders/{id}/cancel': () => [['a fulfilled order', { path: { id: fx.fulfilled.id } }, 'order_not_pending']],
      'GET /v1/orders/{id}/receipt.pdf': () => [['an unpaid order', {}, 'receipt_not_found']],
      'GET /r/{number}': () => [
        ['a wrong signature', { query: `sig=${'0'.repeat(32)}` }, 'receipt_not_found'],
        ['no signature', {}, 'receipt_not_found'],
      ],
      ...Object.fromEntries(
        (['alipay', 'wechatpay', 'unionpay'] as const).map((provider) => [
          `POST /v1/payments/${provider}/notify/{operator}`,
          (): Specific[] => [
            ['an operator without this provider', { raw: 'a=1', contentType: 'application/x-www-form-urlencoded' }, 'payment_method_unavailable'],
            ['an unknown operator', { path: { operator: 'nobody' }, raw: 'a=1' }, 'operator_not_found'],
          ],
        ]),
      ),
      'POST /v1/payments/sandbox/webhook': () => [
        ...[
          '{',
          '[]',
          '{}',
          'null',
          event({ amount: '800' }),
          event({ amount: 8.5 }),
          event({ amount: -1 }),
          event({ currency: 'cny' }),
          event({ paymentId: 42 }),
          event({}, { type: 'payment.refunded' }),
          event({}, { id: 'e'.repeat(256) }),
          event({}, { id: 'evt\u0000' }),
        ].map((raw): Specific => [`signed ${raw.slice(0, 60)}`, { raw, headers: { 'simkeep-signature': sign(raw) } }, 'invalid_request']),
        [
          'a signed unknown payment',
          { raw: event({ paymentId: 'pay_nope' }), headers: { 'simkeep-signature': sign(event({ paymentId: 'pay_nope' })) } },
          'payment_not_found',
        ],
      ],
    };
  }

  const specificCases = (route: Route): Case[] =>
    (specificTable(route)[route.key]?.() ?? []).map(([label, change, code]) => ({ label, request: requestFor(route, change), code }));

  it('finds the contract routes in the OpenAPI document, and every route the specific cases name', () => {
    const keys = ROUTES.map((r) => r.key);
    expect(keys.length).toBeGreaterThanOrEqual(31);
    expect(keys).toEqual(
      expect.arrayContaining(['POST /v1/orders', 'POST /v1/payments/sandbox/webhook', 'POST /v1/admin/orders/{id}/refund', 'GET /r/{number}']),
    );
    expect(keys).toEqual(expect.arrayContaining(Object.keys(specificTable(ROUTES[0] as Route))));
  });

  it.each(ROUTES.map((r) => [r.key, r] as const))('%s: a 4xx with a code, never a 5xx, and nothing written', async (_key, route) => {
    const inputless = route.params.length === 0 && !route.body;
    const cases: Case[] = inputless
      ? [
          {
            label: 'junk query',
            anyStatusBelow500: true,
            request: { method: route.method, url: `${route.path}?x=1&x=2&__proto__=1&y=%00&z=${'x'.repeat(2000)}` },
          },
        ]
      : [...genericCases(route), ...specificCases(route)];
    expect(cases.length).toBeGreaterThan(0);
    const before = await snapshot();
    let probes = await probeFailures();
    const failures: string[] = [];
    for (const c of cases) {
      const res = await h.request(c.request);
      const code = res.body?.error?.code;
      const fine = c.anyStatusBelow500
        ? res.status < 500
        : res.status >= 400 &&
          res.status < 500 &&
          typeof code === 'string' &&
          typeof res.body.error.message === 'string' &&
          (c.code === undefined || code === c.code);
      if (!fine) failures.push(`${c.label}: ${res.status} ${res.raw.slice(0, 160)}${c.code ? ` (expected ${c.code})` : ''}`);
      const after = await probeFailures();
      if (after !== probes && code !== 'card_not_found') failures.push(`${c.label}: recorded a probe failure for ${code}`);
      probes = after;
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
