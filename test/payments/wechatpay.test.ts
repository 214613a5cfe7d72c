/**
 * WeChat Pay API v3 over HTTP against a fake WeChat Pay that checks the merchant's
 * WECHATPAY2-SHA256-RSA2048 request signature, signs its answers, and sends notifications
 * encrypted with AEAD_AES_256_GCM and signed with its platform key: the Native QR page, H5
 * on a phone, 204 on success, `{code, message}` refusals that make WeChat Pay retry.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import type { WechatTransaction } from '../support/fake-gateways.js';
import { cardOf, orderById } from '../support/flows.js';
import { configure, DESKTOP, eventsOf, openCheckout, PHONE, type ProviderHarness, providerOrder, startProviderHarness } from '../support/provider-flows.js';

describe.each(DIALECTS)('WeChat Pay on %s', (dialect) => {
  let ph: ProviderHarness;
  beforeAll(async () => {
    ph = await startProviderHarness(dialect);
    expect((await configure(ph.h, 'wechatpay', ph.fake.wechatpay.settings())).status).toBe(200);
  });
  afterAll(() => ph.close());

  /** An order paid by WeChat Pay whose Native transaction the fake accepted; its QR page. */
  async function checkedOut() {
    const { card, order } = await providerOrder(ph.h, 'wechatpay');
    const qr = await openCheckout(ph.h, `${order.payment.checkoutUrl}?return=${encodeURIComponent(`/orders/${order.id}`)}`, DESKTOP);
    expect(qr.status, qr.raw).toBe(200);
    const transaction = ph.fake.wechatpay.transactions.at(-1) as WechatTransaction;
    expect(transaction.body.out_trade_no).toBe(order.payment.id);
    return { card, order, transaction, page: qr.raw };
  }

  it('creates a Native transaction signed by the merchant, shows its code_url as a QR code, and fulfils on a notification answered 204', async () => {
    const { card, order, transaction, page } = await checkedOut();
    expect(transaction).toMatchObject({
      kind: 'native',
      body: {
        appid: ph.fake.wechatpay.appId,
        mchid: ph.fake.wechatpay.mchId,
        notify_url: 'https://renew.example.test/v1/payments/wechatpay/notify/demo',
        amount: { total: 800, currency: 'CNY' },
      },
    });
    expect(page).toContain('data-code-url="weixin://wxpay/bizpayurl?pr=');
    expect(page).toContain('<svg');
    expect(page).toContain(`/orders/${order.id}`);

    const body = ph.fake.wechatpay.notification(transaction, {}, 'EV-happy-1');
    expect(await ph.fake.wechatpay.notify(transaction, body)).toEqual({ status: 204, body: '' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'fulfilled', payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
    expect(await eventsOf(ph.h, order.payment.id)).toMatchObject([
      { provider: 'wechatpay', event_id: 'EV-happy-1', type: 'payment.succeeded', raw_body: body },
    ]);
  });

  it('opens H5 payment on a phone when the merchant has it, coming back to the order page', async () => {
    expect((await configure(ph.h, 'wechatpay', { ...ph.fake.wechatpay.settings(), merchantPrivateKey: '***', apiV3Key: '***', h5: true })).status).toBe(200);
    try {
      const { order } = await providerOrder(ph.h, 'wechatpay');
      const start = await openCheckout(ph.h, order.payment.checkoutUrl, PHONE);
      expect(start.status).toBe(303);
      const target = new URL(String(start.headers.location));
      expect(`${target.origin}${target.pathname}`).toBe(`${ph.fake.url}/wechat/h5`);
      expect(target.searchParams.get('redirect_url')).toBe(`https://renew.example.test/pay/wechatpay/${order.payment.id}/return`);
      expect(ph.fake.wechatpay.transactions.at(-1)).toMatchObject({
        kind: 'h5',
        body: { scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } },
      });
    } finally {
      await configure(ph.h, 'wechatpay', { ...ph.fake.wechatpay.settings(), merchantPrivateKey: '***', apiV3Key: '***' });
    }
  });

  it('answers 502 payment_provider_error when WeChat Pay’s answer is not signed by a configured platform key', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const wrong = { ...ph.fake.wechatpay.settings(), platformKeys: [{ serial: ph.fake.wechatpay.platformSerial, key: stranger }] };
    expect((await configure(ph.h, 'wechatpay', wrong)).status).toBe(200);
    try {
      const { order } = await providerOrder(ph.h, 'wechatpay');
      const start = await openCheckout(ph.h, order.payment.checkoutUrl);
      expect(start).toMatchObject({ status: 502, body: { error: { code: 'payment_provider_error' } } });
    } finally {
      await configure(ph.h, 'wechatpay', ph.fake.wechatpay.settings());
    }
  });

  it.each([
    ['a body changed after signing', 'signature_invalid'],
    ['a signature of another key', 'signature_invalid'],
    ['an unknown Wechatpay-Serial', 'signature_invalid'],
    ['a timestamp 6 minutes old', 'signature_expired'],
    ['no signature headers', 'signature_missing'],
    ['a resource encrypted with another APIv3 key', 'invalid_request'],
  ])('refuses a notification with %s: 4xx {code, message}, nothing written', async (what, code) => {
    const { card, order, transaction } = await checkedOut();
    const fake = ph.fake.wechatpay;
    let body = fake.notification(transaction);
    let headers = fake.signedHeaders(body);
    if (what === 'a body changed after signing') body = fake.notification(transaction);
    if (what === 'a signature of another key') {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const real = fake.platform;
      (fake as { platform: unknown }).platform = other;
      headers = fake.signedHeaders(body);
      (fake as { platform: unknown }).platform = real;
    }
    if (what === 'an unknown Wechatpay-Serial') headers = { ...headers, 'wechatpay-serial': 'PUB_KEY_ID_0000' };
    if (what === 'a timestamp 6 minutes old') headers = fake.signedHeaders(body, new Date(ph.h.clock.now().getTime() - 6 * 60_000));
    if (what === 'no signature headers') headers = {};
    if (what === 'a resource encrypted with another APIv3 key') {
      const real = fake.apiV3Key;
      (fake as { apiV3Key: string }).apiV3Key = 'Z'.repeat(32);
      body = fake.notification(transaction);
      (fake as { apiV3Key: string }).apiV3Key = real;
      headers = fake.signedHeaders(body);
    }
    const delivered = await fake.notify(transaction, body, headers);
    expect(delivered.status).toBe(400);
    expect(JSON.parse(delivered.body)).toMatchObject({ code: 'FAIL', message: expect.any(String), error: { code } });
    expect(await eventsOf(ph.h, order.payment.id)).toEqual([]);
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'pending' } });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });

  it('refuses a correctly signed transaction of another merchant', async () => {
    const { order, transaction } = await checkedOut();
    const delivered = await ph.fake.wechatpay.notify(transaction, ph.fake.wechatpay.notification(transaction, { mchid: '1900000999' }));
    expect(delivered.status).toBe(400);
    expect(await eventsOf(ph.h, order.payment.id)).toEqual([]);
  });

  it('answers 204 to a repeated notification id and extends the card once', async () => {
    const { card, order, transaction } = await checkedOut();
    const body = ph.fake.wechatpay.notification(transaction, {}, 'EV-twice');
    for (let i = 0; i < 3; i++) expect((await ph.fake.wechatpay.notify(transaction, body)).status).toBe(204);
    expect(await eventsOf(ph.h, order.payment.id)).toHaveLength(1);
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
  });

  it('flags an amount.total other than the order’s as payment_mismatch', async () => {
    const { card, order, transaction } = await checkedOut();
    const delivered = await ph.fake.wechatpay.notify(
      transaction,
      ph.fake.wechatpay.notification(transaction, { amount: { total: 1, payer_total: 1, currency: 'CNY' } }),
    );
    expect(delivered.status).toBe(204);
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'refund_pending', payment: { status: 'mismatch', flag: 'payment_mismatch' } });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });
});
