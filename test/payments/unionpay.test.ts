/**
 * UnionPay (ACP 5.1.0) over HTTP against a fake gateway that checks the merchant's
 * signature (SHA256withRSA over the SHA-256 hex of the sorted fields, certId = the
 * certificate's serial) and notifies with a signing certificate issued under a test CA
 * chain: the self-submitting form, `ok` answers, chain and name checks, duplicates, a wrong
 * amount, and the form POST back from the cashier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificate } from '../support/certificates.js';
import { DIALECTS } from '../support/databases.js';
import type { UnionpayOrder } from '../support/fake-gateways.js';
import { cardOf, orderById } from '../support/flows.js';
import {
  configure,
  DESKTOP,
  eventsOf,
  formOf,
  openCheckout,
  PHONE,
  type ProviderHarness,
  providerOrder,
  startProviderHarness,
} from '../support/provider-flows.js';

describe.each(DIALECTS)('UnionPay on %s', (dialect) => {
  let ph: ProviderHarness;
  beforeAll(async () => {
    ph = await startProviderHarness(dialect);
    const saved = await configure(ph.h, 'unionpay', ph.fake.unionpay.settings());
    expect(saved.status, saved.raw).toBe(200);
  });
  afterAll(() => ph.close());

  /** An order paid by bank card, its form posted to the fake gateway, which accepted it. */
  async function checkedOut(userAgent = DESKTOP) {
    const { card, order } = await providerOrder(ph.h, 'unionpay');
    const page = await openCheckout(ph.h, order.payment.checkoutUrl, userAgent);
    expect(page.status, page.raw).toBe(200);
    expect(page.raw).toMatch(/<script src="\/page-assets\/auto-submit-[0-9a-f]+\.js"><\/script>/);
    const { action, fields } = formOf(page.raw);
    expect(action).toBe(`${ph.fake.url}/gateway/api/frontTransReq.do`);
    const posted = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const sent = ph.fake.unionpay.orders.at(-1) as UnionpayOrder;
    return { card, order, sent };
  }

  it('posts a signed front consumption to the gateway and fulfils on respCode 00 answered `ok`', async () => {
    const { card, order, sent } = await checkedOut();
    expect(sent.fields).toMatchObject({
      orderId: order.payment.id.replace('_', ''),
      txnAmt: '800',
      currencyCode: '156',
      channelType: '07',
      txnTime: '20261124120000',
      backUrl: 'https://renew.example.test/v1/payments/unionpay/notify/demo',
      frontUrl: `https://renew.example.test/pay/unionpay/${order.payment.id}/return`,
    });
    const body = ph.fake.unionpay.notification(sent);
    expect(await ph.fake.unionpay.notify(sent, body)).toEqual({ status: 200, body: 'ok' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'fulfilled', payment: { status: 'succeeded' }, validUntilAfter: '2027-02-28' });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
    expect(await eventsOf(ph.h, order.payment.id)).toMatchObject([{ provider: 'unionpay', type: 'payment.succeeded', raw_body: body }]);

    // The cashier posts the subscriber back to frontUrl: on to the order page.
    const back = await ph.h.request({
      method: 'POST',
      url: `/pay/unionpay/${order.payment.id}/return`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'respCode=00',
    });
    expect(back).toMatchObject({ status: 303, headers: { location: `/orders/${order.id}` } });
  });

  it('uses the mobile channel (08) for a phone', async () => {
    expect((await checkedOut(PHONE)).sent.fields.channelType).toBe('08');
  });

  it.each([
    ['a field changed after signing', 'signature_invalid'],
    ['a self-signed certificate naming UnionPay', 'signature_invalid'],
    ['a certificate of the chain not naming UnionPay', 'signature_invalid'],
    ['no signature', 'signature_missing'],
  ])('refuses a notification with %s: not 200 `ok` (so UnionPay retries), nothing written', async (what, code) => {
    const { card, order, sent } = await checkedOut();
    const fake = ph.fake.unionpay;
    let body = fake.notification(sent);
    if (what === 'a field changed after signing') body = body.replace('txnAmt=800', 'txnAmt=8');
    if (what === 'a self-signed certificate naming UnionPay') {
      body = fake.notification(sent, {}, await certificate({ subject: 'C=CN, O=China UnionPay, CN=041@Z12@中国银联股份有限公司@00000001' }));
    }
    if (what === 'a certificate of the chain not naming UnionPay') {
      body = fake.notification(sent, {}, await certificate({ subject: 'C=CN, O=Someone, CN=041@Z12@某公司@00000001', issuer: fake.middle }));
    }
    if (what === 'no signature') body = body.replace(/&signature=[^&]*/, '');
    const delivered = await fake.notify(sent, body);
    expect(delivered.status).toBe(400);
    expect(JSON.parse(delivered.body)).toMatchObject({ error: { code } });
    expect(await eventsOf(ph.h, order.payment.id)).toEqual([]);
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'pending' } });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });

  it('answers `ok` to a repeated notification and extends the card once; a failed respCode leaves the order payable', async () => {
    const { card, order, sent } = await checkedOut();
    const failed = ph.fake.unionpay.notification(sent, { respCode: '61', respMsg: 'Card declined' });
    expect(await ph.fake.unionpay.notify(sent, failed)).toEqual({ status: 200, body: 'ok' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'pending_payment', payment: { status: 'failed' } });
    const body = ph.fake.unionpay.notification(sent);
    for (let i = 0; i < 3; i++) expect(await ph.fake.unionpay.notify(sent, body)).toEqual({ status: 200, body: 'ok' });
    expect(await eventsOf(ph.h, order.payment.id)).toHaveLength(2);
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-02-28');
  });

  it('flags a txnAmt other than the order’s as payment_mismatch', async () => {
    const { card, order, sent } = await checkedOut();
    expect(await ph.fake.unionpay.notify(sent, ph.fake.unionpay.notification(sent, { txnAmt: '1', settleAmt: '1' }))).toEqual({ status: 200, body: 'ok' });
    expect(await orderById(ph.h, order.id)).toMatchObject({ status: 'refund_pending', payment: { status: 'mismatch', flag: 'payment_mismatch' } });
    expect((await cardOf(ph.h, card)).validUntil).toBe('2027-01-31');
  });
});
