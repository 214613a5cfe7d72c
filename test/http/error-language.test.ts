/**
 * Errors answer in the caller's language: Accept-Language picks Chinese or English;
 * without it, the signed-in subscriber's choice, else the operator's default, else
 * Chinese. Content-Language says which, and the code stays the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountOf, insertSession, linkCard } from '../../src/accounts/account-repository.js';
import { newSessionToken, SESSION_COOKIE, sessionTokenHash } from '../../src/accounts/credentials.js';
import { signIn } from '../hall/support.js';
import { DIALECTS } from '../support/databases.js';
import { ADMIN_TOKEN, type Harness, newCard, newOperator, startHarness } from '../support/harness.js';

describe.each(DIALECTS)('error messages in the caller’s language (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(dialect);
  });
  afterEach(() => h.close());

  const unknownCard = (acceptLanguage?: string) =>
    h.request({
      method: 'POST',
      url: '/v1/cards/lookup',
      payload: { msisdn: '+8613900000001', iccid: '89860000000000000017' },
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });

  it.each([
    [undefined, 'zh-CN', '该号码与序列号不匹配我们已知的任何卡，请核对后重试。'],
    ['zh-CN,zh;q=0.9', 'zh-CN', '该号码与序列号不匹配我们已知的任何卡，请核对后重试。'],
    ['en-US,en;q=0.9', 'en', "This number and serial don't match a card we know. Check both and try again."],
  ])('a domain error, Accept-Language %j: %s', async (header, language, message) => {
    const res = await unknownCard(header);
    expect(res.status).toBe(404);
    expect(res.headers['content-language']).toBe(language);
    expect(res.body.error).toEqual({ code: 'card_not_found', message });
  });

  it('a schema failure, an unknown route and an admin call without a token', async () => {
    const bad = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: 42 }, headers: { 'accept-language': 'zh-CN' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(bad.body.error.message).toMatch(/^请求内容有误/);
    expect(bad.body.error.details.fields.length).toBeGreaterThan(0);

    for (const [language, pattern] of [
      ['zh-CN', /^没有这个接口/],
      ['en', /^No route GET \/v1\/nowhere/],
    ] as const) {
      const none = await h.request({ method: 'GET', url: '/v1/nowhere', headers: { 'accept-language': language } });
      expect(none.status).toBe(404);
      expect(none.body.error.message).toMatch(pattern);
    }

    const anonymous = await h.request({ method: 'POST', url: '/v1/admin/operators', payload: {}, headers: { 'accept-language': 'en' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-language']).toBe('en');
    expect(anonymous.body.error.message).not.toMatch(/\p{Script=Han}/u);
    const chinese = await h.request({ method: 'POST', url: '/v1/admin/operators', payload: {} });
    expect(chinese.body.error.code).toBe(anonymous.body.error.code);
    expect(chinese.body.error.message).toMatch(/\p{Script=Han}/u);
  });
});

describe.each(DIALECTS)('the language of an answer without Accept-Language (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(dialect);
    await newOperator(h); // demo: Chinese, the default
    await newOperator(h, { code: 'intl', name: 'Intl Mobile', defaultLanguage: 'en' });
  });
  afterEach(() => h.close());

  const CARD_NOT_FOUND = {
    'zh-CN': '该号码与序列号不匹配我们已知的任何卡，请核对后重试。',
    en: "This number and serial don't match a card we know. Check both and try again.",
  };
  const withLanguage = (acceptLanguage: string | undefined) => (acceptLanguage ? { 'accept-language': acceptLanguage } : {});

  /** A subscriber signed in (as `POST /v1/auth/verify` leaves one) on the number of a new card of `operator`. */
  async function subscriber(operator: string) {
    const db = h.services.db.kysely;
    const card = await newCard(h, '2027-01-31', operator);
    const account = await accountOf(db, card.msisdn, h.clock.now().toISOString());
    const cardId = (await db.selectFrom('cards').select('id').where('msisdn', '=', card.msisdn).executeTakeFirstOrThrow()).id;
    await linkCard(db, account.id, cardId, h.clock.now().toISOString());
    const token = newSessionToken();
    await insertSession(db, sessionTokenHash(token) as string, account.id, h.clock.now(), 3600);
    const cookie = `${SESSION_COOKIE}=${token}`;
    return {
      /** Chooses the reminder language on "My cards": the account's choice. */
      choose: async (locale: string) => {
        const chosen = await h.request({ method: 'PUT', url: `/v1/me/cards/${cardId}/contact`, headers: { cookie }, payload: { channel: 'sms', locale } });
        expect(chosen.status, chosen.raw).toBe(200);
      },
      /** A request that fails: no such card in the account. */
      fail: (acceptLanguage?: string) => h.request({ method: 'DELETE', url: '/v1/me/cards/card_nope', headers: { cookie, ...withLanguage(acceptLanguage) } }),
    };
  }

  it('speaks the subscriber’s choice, else the card’s operator’s default; Accept-Language beats both', async () => {
    const cases = [
      // [operator, the account's choice, Accept-Language, the answer's language]
      ['demo', undefined, undefined, 'zh-CN'],
      ['intl', undefined, undefined, 'en'],
      ['intl', 'zh-CN', undefined, 'zh-CN'],
      ['demo', 'en', undefined, 'en'],
      ['demo', 'en', 'zh-CN,zh;q=0.9', 'zh-CN'],
      ['intl', 'zh-CN', 'en-US', 'en'],
      ['intl', undefined, 'de', 'en'],
    ] as const;
    for (const [operator, choice, acceptLanguage, language] of cases) {
      const someone = await subscriber(operator);
      if (choice) await someone.choose(choice);
      const res = await someone.fail(acceptLanguage);
      const which = `${operator}, chose ${choice}, asked ${acceptLanguage}`;
      expect(res.status, which).toBe(404);
      expect(res.headers['content-language'], which).toBe(language);
      expect(res.body.error, which).toEqual({ code: 'card_not_found', message: CARD_NOT_FOUND[language] });
    }
  });

  it('speaks the default of the operator an admin route names, of a scoped token, and of a staff member', async () => {
    const plan = (operator: string, acceptLanguage?: string) =>
      h.request({
        method: 'GET',
        url: `/v1/admin/operators/${operator}/plans/nope`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...withLanguage(acceptLanguage) },
      });
    expect((await plan('intl')).body.error).toEqual({ code: 'plan_not_found', message: 'The operator has no plan "nope".' });
    expect((await plan('intl', 'zh-CN')).body.error.message).toBe('该运营商没有代码为“nope”的套餐。');
    expect((await plan('demo')).body.error.message).toBe('该运营商没有代码为“nope”的套餐。');
    expect((await plan('demo', 'en')).body.error.message).toBe('The operator has no plan "nope".');

    // A token scoped to intl, on a route that names no operator.
    const { token } = await h.services.tokens.create('intl only', 'intl');
    const card = await h.request({ method: 'GET', url: '/v1/admin/cards/+8613900000099', headers: { authorization: `Bearer ${token}` } });
    expect(card.status).toBe(404);
    expect(card.headers['content-language']).toBe('en');
    expect(card.body.error).toEqual({ code: 'card_not_found', message: 'No card in use has this number.' });

    // The operator admin of intl at a console route.
    const created = await h.admin('POST', '/v1/admin/operators/intl/staff', {
      username: 'intl-admin',
      displayName: 'Intl Admin',
      role: 'operator_admin',
      password: 'correct horse battery',
    });
    expect(created.status, created.raw).toBe(201);
    const staff = await signIn(h, 'intl-admin');
    const counter = await staff.call('GET', '/v1/console/counters/ctr_nope');
    expect(counter.status).toBe(404);
    expect(counter.body.error).toEqual({ code: 'counter_not_found', message: 'This counter was not found.' });
    expect((await staff.call('GET', '/v1/console/counters/ctr_nope', undefined, { 'accept-language': 'zh-CN' })).body.error.message).toBe('找不到这个窗口。');
  });

  it('speaks Chinese to a caller nobody knows, whatever the operators chose', async () => {
    const anonymous = await h.request({ method: 'POST', url: '/v1/admin/operators/intl/plans', payload: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-language']).toBe('zh-CN');
    const lookup = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: '+8613900000001', iccid: '89860000000000000017' } });
    expect(lookup.body.error.message).toBe(CARD_NOT_FOUND['zh-CN']);
  });
});
