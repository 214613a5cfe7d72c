/**
 * The admin API of payment providers: secrets never answered (`***`, kept when sent back),
 * settings checked when saved with errors that name the field, scoped tokens, the
 * currency rule.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificate } from '../support/certificates.js';
import { DIALECTS } from '../support/databases.js';
import { newOperator } from '../support/harness.js';
import { configure, type ProviderHarness, startProviderHarness } from '../support/provider-flows.js';

const pemOf = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe.each(DIALECTS)('payment provider settings on %s', (dialect) => {
  let ph: ProviderHarness;
  beforeAll(async () => {
    ph = await startProviderHarness(dialect);
  });
  afterAll(() => ph.close());

  it('lists the three providers unconfigured, with the notify URL to give each', async () => {
    const list = await ph.h.admin('GET', '/v1/admin/operators/demo/payment-providers');
    expect(list.status).toBe(200);
    expect(list.body).toEqual(
      ['alipay', 'wechatpay', 'unionpay'].map((provider) => ({
        provider,
        enabled: false,
        configured: false,
        settings: null,
        notifyUrl: `https://renew.example.test/v1/payments/${provider}/notify/demo`,
        updatedAt: null,
      })),
    );
  });

  it('never answers a secret: PUT and GET give *** for private keys and the APIv3 key; *** sent back keeps them', async () => {
    const settings = {
      alipay: ph.fake.alipay.settings(),
      wechatpay: ph.fake.wechatpay.settings(),
      unionpay: ph.fake.unionpay.settings(),
    };
    const secrets = { alipay: ['privateKey'], wechatpay: ['merchantPrivateKey', 'apiV3Key'], unionpay: ['signKey'] } as const;
    for (const [provider, values] of Object.entries(settings) as [keyof typeof settings, Record<string, unknown>][]) {
      const saved = await configure(ph.h, provider, values);
      expect(saved.status, saved.raw).toBe(200);
      for (const answer of [saved, await ph.h.admin('GET', `/v1/admin/operators/demo/payment-providers/${provider}`)]) {
        expect(answer.body).toMatchObject({ provider, enabled: true, configured: true });
        for (const field of secrets[provider]) {
          expect(answer.body.settings[field]).toBe('***');
          expect(answer.raw).not.toContain(String(values[field]).split('\n')[1]);
        }
        expect(answer.raw).not.toContain('PRIVATE KEY');
        expect(answer.raw).not.toContain(ph.fake.wechatpay.apiV3Key);
      }
      const again = await configure(ph.h, provider, (await ph.h.admin('GET', `/v1/admin/operators/demo/payment-providers/${provider}`)).body.settings);
      expect(again.status, again.raw).toBe(200);
      const stored = await ph.h.services.paymentProviders.of((await ph.h.services.catalog.operatorByCode('demo'))?.id ?? '', provider);
      for (const field of secrets[provider]) expect(stored?.settings[field]).toBe(values[field]);
    }
    const list = await ph.h.admin('GET', '/v1/admin/operators/demo/payment-providers');
    expect(list.raw).not.toContain('PRIVATE KEY');
  });

  it.each([
    ['alipay', { privateKey: 'not a key' }, 422, 'payment_provider_invalid', '/settings/privateKey'],
    ['alipay', { alipayPublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, 422, 'payment_provider_invalid', '/settings/alipayPublicKey'],
    ['alipay', { appId: undefined }, 400, 'invalid_request', '/settings/appId'],
    ['alipay', { appId: 'abc' }, 400, 'invalid_request', '/settings/appId'],
    ['alipay', { colour: 'blue' }, 400, 'invalid_request', '/settings/colour'],
    ['wechatpay', { apiV3Key: 'too-short' }, 422, 'payment_provider_invalid', '/settings/apiV3Key'],
    ['wechatpay', { platformKeys: [] }, 400, 'invalid_request', '/settings/platformKeys'],
    ['unionpay', { signKey: pemOf() }, 422, 'payment_provider_invalid', '/settings/signKey'],
    ['unionpay', { signCert: 'garbage' }, 422, 'payment_provider_invalid', '/settings/signCert'],
  ])('refuses %s settings %j: %i %s naming %s', async (provider, change, status, code, field) => {
    const base = { alipay: ph.fake.alipay.settings(), wechatpay: ph.fake.wechatpay.settings(), unionpay: ph.fake.unionpay.settings() }[provider] as Record<
      string,
      unknown
    >;
    const settings = Object.fromEntries(Object.entries({ ...base, ...change }).filter(([, value]) => value !== undefined));
    const answer = await configure(ph.h, provider, settings);
    expect(answer.status, answer.raw).toBe(status);
    expect(answer.body.error).toMatchObject({ code, details: { fields: expect.arrayContaining([field]) } });
  });

  it('refuses an Alipay public key that is the application’s own, a middle certificate the root did not issue, and *** with nothing stored', async () => {
    const alipay = ph.fake.alipay;
    const own = alipay.app.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await configure(ph.h, 'alipay', { ...alipay.settings(), alipayPublicKey: own })).body.error).toMatchObject({ code: 'payment_provider_invalid' });
    const stranger = await certificate({ subject: 'CN=Stranger CA', ca: true });
    const chain = await configure(ph.h, 'unionpay', { ...ph.fake.unionpay.settings(), rootCert: stranger.pem });
    expect(chain.body.error).toMatchObject({ code: 'payment_provider_invalid', details: { fields: ['/settings/middleCert'] } });

    await newOperator(ph.h, { code: 'fresh', name: 'Fresh Mobile' });
    const blind = await configure(ph.h, 'alipay', { ...alipay.settings(), privateKey: '***' }, true, 'fresh');
    expect(blind).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { fields: ['/settings/privateKey'] } } } });
  });

  it('refuses to enable a provider for an operator that does not sell in CNY', async () => {
    await newOperator(ph.h, { code: 'hk', name: 'HK Mobile', currency: 'HKD', timeZone: 'Asia/Hong_Kong' });
    const answer = await configure(ph.h, 'alipay', ph.fake.alipay.settings(), true, 'hk');
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'payment_provider_invalid', details: { fields: ['/enabled'] } } } });
  });

  it('answers 404 for an unknown operator, 400 for an unknown provider, 401 without a token', async () => {
    expect((await configure(ph.h, 'alipay', ph.fake.alipay.settings(), true, 'nobody')).body.error.code).toBe('operator_not_found');
    expect((await ph.h.admin('GET', '/v1/admin/operators/demo/payment-providers/paypal')).status).toBe(400);
    expect((await ph.h.request({ method: 'GET', url: '/v1/admin/operators/demo/payment-providers' })).status).toBe(401);
  });
});
