import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, newPromotion, notify, placeOrder, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';
import { pdfText } from '../support/pdf.js';

describe.each(DIALECTS)('online renewal over HTTP on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'y1', name: '12 months', months: 12, price: 8800 });
  });
  afterEach(() => h.close());

  it('looks a card up by number and full ICCID or its last 6 digits, masking the number', async () => {
    const card = await newCard(h, '2027-01-31');
    for (const iccid of [card.iccid, card.iccid.slice(-6)]) {
      const res = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid } });
      expect(res.status).toBe(200);
      expect(res.body.card).toMatchObject({ operator: 'demo', status: 'active', validUntil: '2027-01-31', daysLeft: 68, expiringSoon: false, renewable: true });
      expect(res.body.card.msisdn).toBe(`+86 ${card.msisdn.slice(3, 6)}****${card.msisdn.slice(-4)}`);
      expect(res.body.plans.map((p: { code: string; validUntilAfter: string }) => [p.code, p.validUntilAfter])).toEqual([
        ['m1', '2027-02-28'],
        ['y1', '2028-01-31'],
      ]);
    }
  });

  it('answers a wrong serial exactly like an unknown number', async () => {
    const card = await newCard(h, '2027-01-31');
    const wrong = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: '000000' } });
    const unknown = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: '+8613700000000', iccid: card.iccid } });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('card_not_found');
  });

  it('quotes the breakdown of the seed example: automatic 10 % then coupon SAVE5', async () => {
    const card = await newCard(h, '2027-01-31');
    const auto = await newPromotion(h, { kind: 'percent', value: 10, plans: ['y1'] });
    const coupon = await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
    const res = await h.request({ method: 'POST', url: '/v1/quotes', payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'y1', coupon: 'save5' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plan: 'y1',
      listPrice: 8800,
      currency: 'CNY',
      discounts: [
        { promotion: auto.id, code: null, kind: 'percent', amount: 880, name: { 'zh-CN': '自动优惠 9折', en: 'Automatic 10% off' } },
        { promotion: coupon.id, code: 'SAVE5', kind: 'amount', amount: 500, name: { 'zh-CN': '优惠码 SAVE5 立减¥5.00', en: 'Coupon SAVE5: ¥5.00 off' } },
      ],
      bonus: null,
      total: 7420,
      validUntilBefore: '2027-01-31',
      validUntilAfter: '2028-01-31',
    });
  });

  it('renews end to end: order, signed payment, fulfilment, receipt PDF and verification', async () => {
    const card = await newCard(h, '2027-01-31');
    const created = await placeOrder(h, card, 'm1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending_payment', plan: 'm1', total: 800, currency: 'CNY', expiresAt: '2026-11-24T12:30:00+08:00' });
    expect(created.body.id).toMatch(/^ord_[A-Za-z0-9_-]{22}$/);
    expect(created.body.payment.checkoutUrl).toBe(`/pay/sandbox/${created.body.payment.id}`);

    const paid = await notify(h, { id: 'evt-1', type: 'payment.succeeded', data: { paymentId: created.body.payment.id, amount: 800, currency: 'CNY' } });
    expect(paid).toMatchObject({ status: 200, body: { received: true } });

    const order = (await h.request({ method: 'GET', url: `/v1/orders/${created.body.id}` })).body;
    expect(order).toMatchObject({
      status: 'fulfilled',
      validUntilBefore: '2027-01-31',
      validUntilAfter: '2027-02-28',
      fulfilledAt: '2026-11-24T12:00:00+08:00',
    });
    expect(order.receipt.number).toBe('DEMO-2026-000001');
    expect(order.receipt.pdfUrl).toBe(`/v1/orders/${created.body.id}/receipt.pdf`);

    const pdf = await h.request({ method: 'GET', url: order.receipt.pdfUrl });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.bytes);
    for (const shown of ['DEMO-2026-000001', '1个月 / 1 month', 'CNY 8.00', '2027-01-31', '2027-02-28', '沙箱支付 / Sandbox', '2026-11-24 12:00']) {
      expect(text).toContain(shown);
    }
    expect(text).toContain(`+86 ${card.msisdn.slice(3, 6)}****${card.msisdn.slice(-4)}`);
    expect(text).not.toContain(card.msisdn);

    const verified = await h.request({ method: 'GET', url: order.receipt.verifyUrl, headers: { accept: 'application/json' } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      valid: true,
      receipt: {
        number: 'DEMO-2026-000001',
        operator: 'demo',
        plan: 'm1',
        total: 800,
        currency: 'CNY',
        validUntilAfter: '2027-02-28',
        issuedAt: '2026-11-24T12:00:00+08:00',
      },
    });
    expect(verified.body.receipt.msisdn).toContain('****');

    const html = await h.request({ method: 'GET', url: order.receipt.verifyUrl });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.raw).toContain('DEMO-2026-000001');

    const forged = await h.request({ method: 'GET', url: '/r/DEMO-2026-000001?sig=00000000000000000000000000000000', headers: { accept: 'application/json' } });
    expect(forged).toMatchObject({ status: 404, body: { error: { code: 'receipt_not_found' } } });
    const unsigned = await h.request({ method: 'GET', url: '/r/DEMO-2026-000001', headers: { accept: 'application/json' } });
    expect(unsigned.status).toBe(404);

    const after = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
    expect(after.body.card.validUntil).toBe('2027-02-28');
  });

  it('keeps the anchor day over successive month renewals', async () => {
    const card = await newCard(h, '2027-01-31');
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-02-28');
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-03-31');
  });

  it('numbers receipts gap-free per operator and restarts each local year', async () => {
    const card = await newCard(h, '2027-06-30');
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('DEMO-2026-000001');
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('DEMO-2026-000002');
    h.clock.set('2026-12-31T16:00:00Z'); // 2027-01-01 00:00 in Shanghai, still 2026 in UTC
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('DEMO-2027-000001');
  });

  it('serves the OpenAPI document with every contract route', async () => {
    const res = await h.request({ method: 'GET', url: '/docs/json' });
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v1/cards/lookup',
      '/v1/quotes',
      '/v1/orders',
      '/v1/orders/{id}',
      '/v1/orders/{id}/receipt.pdf',
      '/r/{number}',
      '/v1/payments/sandbox/webhook',
      '/pay/sandbox/{paymentId}',
      '/v1/admin/operators',
      '/v1/admin/operators/{operator}',
      '/v1/admin/operators/{operator}/plans',
      '/v1/admin/operators/{operator}/plans/{code}',
      '/v1/admin/operators/{operator}/promotions',
      '/v1/admin/operators/{operator}/promotions/{id}',
      '/v1/admin/operators/{operator}/cards',
      '/v1/admin/cards/{msisdn}',
      '/v1/admin/cards/{msisdn}/block',
      '/v1/admin/cards/{msisdn}/unblock',
      '/v1/admin/cards/{msisdn}/replace-sim',
      '/v1/admin/orders',
      '/v1/admin/orders/{id}/refund',
      '/healthz',
      '/readyz',
    ]) {
      expect(paths).toContain(path);
    }
  });
});
