/**
 * Errors answer in the caller's language: Accept-Language picks Chinese or English
 * (Chinese without one), Content-Language says which, and the code stays the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { type Harness, startHarness } from '../support/harness.js';

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
