/**
 * The operator's back office over HTTP (api-v1.md, "Admin routes"): operators, plans,
 * promotions and cards, and admin tokens (scoped to one operator, or revoked). The order
 * list and refunds are in admin-orders.test.ts.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { adminCard, cardOf, lookup, placeOrder, quote } from '../support/flows.js';
import {
  DEFAULT_NOW,
  type Harness,
  newCard,
  newOperator,
  newPlan,
  renewOnline,
  SANDBOX_ON,
  startHarness,
  uniqueIccid,
  uniqueMsisdn,
} from '../support/harness.js';

const cardUrl = (msisdn: string, action = '') => `/v1/admin/cards/${encodeURIComponent(msisdn)}${action}`;

describe.each(DIALECTS)('admin API on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set(DEFAULT_NOW));

  const as = (token: string, method: InjectOptions['method'], url: string, payload?: unknown) =>
    h.request({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  describe('operators', () => {
    it('creates an operator with the defaults: Asia/Shanghai, CNY, 30 grace days, 90 suspended days, answered in Chinese', async () => {
      const created = await h.admin('POST', '/v1/admin/operators', { code: 'defaults', name: 'Defaults Mobile' });
      expect(created.status).toBe(201);
      const expected = {
        code: 'defaults',
        name: 'Defaults Mobile',
        displayName: 'Defaults Mobile',
        timeZone: 'Asia/Shanghai',
        currency: 'CNY',
        graceDays: 30,
        suspendDays: 90,
        defaultLanguage: 'zh-CN',
      };
      expect(created.body).toMatchObject(expected);
      expect(created.body.brandColor).toMatch(/^#[0-9a-fA-F]{6}$/);
      expect((await h.admin('GET', '/v1/admin/operators/defaults')).body).toEqual(created.body);
    });

    it('creates an operator with every field given, reads and patches it', async () => {
      const fields = {
        code: 'hk-mvno',
        name: 'HK MVNO Ltd',
        displayName: 'HK Mobile',
        brandColor: '#aa0000',
        timeZone: 'Asia/Hong_Kong',
        currency: 'HKD',
        graceDays: 15,
        suspendDays: 60,
        defaultLanguage: 'en',
      };
      expect(await h.admin('POST', '/v1/admin/operators', fields)).toMatchObject({ status: 201, body: fields });
      const patch = { displayName: 'HK Mobile 2', graceDays: 20, timeZone: 'America/Los_Angeles', defaultLanguage: 'zh-CN' };
      const patched = await h.admin('PATCH', '/v1/admin/operators/hk-mvno', patch);
      expect(patched).toMatchObject({ status: 200, body: { ...fields, ...patch } });
      expect((await h.admin('PATCH', '/v1/admin/operators/hk-mvno', { defaultLanguage: 'fr' })).body.error.code).toBe('invalid_request');
      expect((await h.admin('GET', '/v1/admin/operators/hk-mvno')).body).toEqual(patched.body);
      expect((await h.admin('GET', '/v1/admin/operators/nobody')).body.error.code).toBe('operator_not_found');
    });
  });

  describe('plans', () => {
    it('creates plans of months or days, named by a string or by zh-CN and en, and lists them', async () => {
      await newOperator(h, { code: 'plans', name: 'Plans Co' });
      const month = await h.admin('POST', '/v1/admin/operators/plans/plans', {
        code: 'm3',
        name: { 'zh-CN': '3个月', en: '3 months' },
        months: 3,
        price: 2400,
      });
      expect(month).toMatchObject({
        status: 201,
        body: {
          code: 'm3',
          name: { 'zh-CN': '3个月', en: '3 months' },
          months: 3,
          price: 2400,
          currency: 'CNY',
          channels: ['online', 'counter'],
          active: true,
        },
      });
      expect(month.body.days).toBeUndefined();
      const day = await h.admin('POST', '/v1/admin/operators/plans/plans', { code: 'd10', name: '10 days', days: 10, price: 300, channels: ['counter'] });
      expect(day).toMatchObject({ status: 201, body: { code: 'd10', name: { 'zh-CN': '10 days', en: '10 days' }, days: 10, channels: ['counter'] } });
      expect(day.body.months).toBeUndefined();
      const listed = await h.admin('GET', '/v1/admin/operators/plans/plans');
      expect(listed.body.plans.map((p: { code: string }) => p.code).sort()).toEqual(['d10', 'm3']);
      expect((await h.admin('GET', '/v1/admin/operators/plans/plans/d10')).body).toEqual(day.body);
      expect((await h.admin('GET', '/v1/admin/operators/plans/plans/none')).body.error.code).toBe('plan_not_found');
    });

    it('patches one language of a plan name keeping the other; a string names both', async () => {
      await newOperator(h, { code: 'names', name: 'Names Co' });
      await newPlan(h, { code: 'm3', name: { 'zh-CN': '3个月', en: '3 months' }, months: 3, price: 2400 }, 'names');
      const url = '/v1/admin/operators/names/plans/m3';
      expect((await h.admin('PATCH', url, { name: { en: 'Three months' } })).body.name).toEqual({ 'zh-CN': '3个月', en: 'Three months' });
      expect((await h.admin('PATCH', url, { name: { 'zh-CN': '三个月' } })).body.name).toEqual({ 'zh-CN': '三个月', en: 'Three months' });
      expect((await h.admin('GET', url)).body.name).toEqual({ 'zh-CN': '三个月', en: 'Three months' });
      expect((await h.admin('PATCH', url, { name: 'Quarter' })).body.name).toEqual({ 'zh-CN': 'Quarter', en: 'Quarter' });
      const toDays = await h.admin('PATCH', url, { days: 90 });
      expect(toDays.body).toMatchObject({ days: 90, price: 2400 });
      expect(toDays.body.months).toBeUndefined();
    });

    it('sells a plan online only when it is active and has the online channel; a patched price applies at once', async () => {
      await newPlan(h, { code: 'cx', name: 'Counter plan', price: 700, channels: ['counter'] });
      const card = await newCard(h, '2027-01-31');
      const offered = async () => (await lookup(h, card)).body.plans.map((p: { code: string; price: number }) => [p.code, p.price]);
      expect(await offered()).not.toContainEqual(['cx', 700]);
      expect((await quote(h, card, 'cx')).body.error.code).toBe('plan_not_available');
      expect((await placeOrder(h, card, 'cx')).body.error.code).toBe('plan_not_available');

      expect(await h.admin('PATCH', '/v1/admin/operators/demo/plans/cx', { channels: ['online', 'counter'], price: 650 })).toMatchObject({
        status: 200,
        body: { price: 650, channels: ['online', 'counter'] },
      });
      expect(await offered()).toContainEqual(['cx', 650]);
      expect((await quote(h, card, 'cx')).body).toMatchObject({ listPrice: 650, total: 650 });

      expect(await h.admin('PATCH', '/v1/admin/operators/demo/plans/cx', { active: false })).toMatchObject({ status: 200, body: { active: false } });
      expect((await offered()).map(([code]: [string]) => code)).not.toContain('cx');
      const refused = await quote(h, card, 'cx');
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('plan_not_available');
    });
  });

  describe('promotions', () => {
    it('creates, lists, reads and patches promotions; coupon codes are upper-cased and case-insensitive', async () => {
      await newOperator(h, { code: 'promo', name: 'Promo Co' });
      await newPlan(h, { code: 'm1', months: 1, price: 1000 }, 'promo');
      const auto = await h.admin('POST', '/v1/admin/operators/promo/promotions', {
        kind: 'percent',
        value: 10,
        plans: ['m1'],
        channels: ['online'],
        startsOn: '2026-11-01',
        endsOn: '2026-12-31',
      });
      expect(auto).toMatchObject({
        status: 201,
        body: {
          code: null,
          kind: 'percent',
          value: 10,
          unit: null,
          plans: ['m1'],
          channels: ['online'],
          startsOn: '2026-11-01',
          endsOn: '2026-12-31',
          maxRedemptions: null,
          perCardLimit: null,
          active: true,
          redemptions: 0,
        },
      });
      const coupon = await h.admin('POST', '/v1/admin/operators/promo/promotions', {
        code: 'save1',
        kind: 'amount',
        value: 100,
        maxRedemptions: 10,
        perCardLimit: 1,
      });
      expect(coupon).toMatchObject({ status: 201, body: { code: 'SAVE1', kind: 'amount', value: 100, maxRedemptions: 10, perCardLimit: 1 } });
      expect(coupon.body.id).toEqual(expect.any(String));
      const clash = await h.admin('POST', '/v1/admin/operators/promo/promotions', { code: 'Save1', kind: 'amount', value: 5 });
      expect(clash.status).toBe(409);

      const listed = await h.admin('GET', '/v1/admin/operators/promo/promotions');
      expect(listed.body.promotions.map((p: { id: string }) => p.id)).toEqual([auto.body.id, coupon.body.id]);
      expect((await h.admin('GET', `/v1/admin/operators/promo/promotions/${coupon.body.id}`)).body).toEqual(coupon.body);

      const card = await newCard(h, '2027-01-31', 'promo');
      for (const typed of ['save1', 'SAVE1', 'sAvE1']) {
        expect((await quote(h, card, 'm1', typed)).body).toMatchObject({
          total: 800,
          discounts: [
            { promotion: auto.body.id, amount: 100 },
            { promotion: coupon.body.id, code: 'SAVE1', amount: 100 },
          ],
        });
      }
      const order = await renewOnline(h, card, 'm1', { coupon: 'Save1' });
      expect(order).toMatchObject({ status: 'fulfilled', total: 800 });
      expect((await h.admin('GET', `/v1/admin/operators/promo/promotions/${coupon.body.id}`)).body.redemptions).toBe(1);
      expect((await h.admin('GET', `/v1/admin/operators/promo/promotions/${auto.body.id}`)).body.redemptions).toBe(1);

      const patched = await h.admin('PATCH', `/v1/admin/operators/promo/promotions/${coupon.body.id}`, { value: 250, perCardLimit: null });
      expect(patched).toMatchObject({
        status: 200,
        body: { id: coupon.body.id, code: 'SAVE1', value: 250, perCardLimit: null, maxRedemptions: 10, redemptions: 1 },
      });
      expect((await quote(h, card, 'm1', 'save1')).body.total).toBe(650);
      expect((await h.admin('PATCH', `/v1/admin/operators/promo/promotions/${coupon.body.id}`, { active: false })).body.active).toBe(false);
      expect((await quote(h, card, 'm1', 'save1')).body.error.code).toBe('coupon_unknown');
      expect((await h.admin('GET', '/v1/admin/operators/promo/promotions/pr_none')).body.error.code).toBe('promotion_not_found');
    });
  });

  describe('cards', () => {
    it('registers a card and shows it with its status and its orders', async () => {
      const fields = { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2026-11-30' };
      const created = await h.admin('POST', '/v1/admin/operators/demo/cards', fields);
      expect(created).toMatchObject({
        status: 201,
        body: { operator: 'demo', ...fields, status: 'active', anchorDay: 30, daysLeft: 6, blocked: false, blockReason: null },
      });
      expect(await adminCard(h, fields.msisdn)).toMatchObject({ ...created.body, orders: [] });
      const order = await renewOnline(h, fields, 'm1');
      const seen = await adminCard(h, fields.msisdn);
      expect(seen).toMatchObject({ validUntil: '2026-12-30', daysLeft: 36 });
      expect(seen.orders).toEqual([
        expect.objectContaining({
          id: order.id,
          status: 'fulfilled',
          plan: 'm1',
          total: 800,
          currency: 'CNY',
          validUntilBefore: '2026-11-30',
          validUntilAfter: '2026-12-30',
          receiptNumber: order.receipt.number,
        }),
      ]);
      expect((await h.admin('GET', cardUrl('+8613700000001'))).body.error.code).toBe('card_not_found');
    });

    it('blocks a card with a reason (renewal refused) and unblocks it (renewal possible again)', async () => {
      const card = await newCard(h, '2027-01-31');
      const blocked = await h.admin('POST', cardUrl(card.msisdn, '/block'), { reason: 'reported stolen' });
      expect(blocked).toMatchObject({ status: 200, body: { status: 'blocked', blocked: true, blockReason: 'reported stolen', validUntil: '2027-01-31' } });
      expect(await adminCard(h, card.msisdn)).toMatchObject({ status: 'blocked', blockReason: 'reported stolen' });
      expect(await cardOf(h, card)).toMatchObject({ status: 'blocked', renewable: false });
      const refused = await placeOrder(h, card, 'm1');
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('card_blocked');

      const unblocked = await h.admin('POST', cardUrl(card.msisdn, '/unblock'));
      expect(unblocked).toMatchObject({ status: 200, body: { status: 'active', blocked: false, blockReason: null } });
      expect(await cardOf(h, card)).toMatchObject({ status: 'active', renewable: true });
      expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-02-28');
      const again = await h.admin('POST', cardUrl(card.msisdn, '/unblock'));
      expect(again.status).toBe(409);
    });

    it('swaps the SIM, refusing an ICCID another card in use holds', async () => {
      const card = await newCard(h, '2027-01-31');
      const other = await newCard(h, '2027-01-31');
      const taken = await h.admin('POST', cardUrl(card.msisdn, '/replace-sim'), { iccid: other.iccid });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('card_exists');
      const iccid = uniqueIccid();
      expect(await h.admin('POST', cardUrl(card.msisdn, '/replace-sim'), { iccid })).toMatchObject({
        status: 200,
        body: { msisdn: card.msisdn, iccid, validUntil: '2027-01-31' },
      });
      expect((await adminCard(h, card.msisdn)).iccid).toBe(iccid);
    });
  });

  describe('admin tokens', () => {
    it('limits a token scoped to one operator to that operator; the unscoped token acts everywhere', async () => {
      await newOperator(h, { code: 'other', name: 'Other Telecom' });
      await newPlan(h, { code: 'm1', months: 1, price: 900 }, 'other');
      const otherCard = await newCard(h, '2027-01-31', 'other');
      const otherOrder = await renewOnline(h, otherCard, 'm1');
      const demoCard = await newCard(h, '2027-01-31');
      const demoOrder = await renewOnline(h, demoCard, 'm1');
      const { token } = await h.services.tokens.create('demo staff', 'demo');

      expect((await as(token, 'GET', '/v1/admin/operators/demo')).status).toBe(200);
      expect((await as(token, 'PATCH', '/v1/admin/operators/demo', { displayName: 'Demo!' })).status).toBe(200);
      expect((await as(token, 'POST', '/v1/admin/operators/demo/plans', { code: 'scoped', name: 'Scoped', months: 2, price: 1500 })).status).toBe(201);
      expect((await as(token, 'GET', cardUrl(demoCard.msisdn))).status).toBe(200);
      expect(
        (await as(token, 'POST', '/v1/admin/operators/demo/cards', { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2027-01-31' })).status,
      ).toBe(201);
      const own = await as(token, 'GET', '/v1/admin/orders?limit=500');
      expect(own.status).toBe(200);
      expect(own.body.orders.map((o: { id: string }) => o.id)).toContain(demoOrder.id);
      expect(own.body.orders.every((o: { operator: string }) => o.operator === 'demo')).toBe(true);

      const forbidden: [InjectOptions['method'], string, unknown?][] = [
        ['GET', '/v1/admin/operators/other'],
        ['PATCH', '/v1/admin/operators/other', { displayName: 'Mine now' }],
        ['POST', '/v1/admin/operators', { code: 'newco', name: 'New Co' }],
        ['GET', '/v1/admin/operators/other/plans'],
        ['POST', '/v1/admin/operators/other/plans', { code: 'x1', name: 'X', months: 1, price: 1 }],
        ['GET', '/v1/admin/operators/other/promotions'],
        ['POST', '/v1/admin/operators/other/promotions', { kind: 'percent', value: 50 }],
        ['POST', '/v1/admin/operators/other/cards', { msisdn: uniqueMsisdn(), iccid: uniqueIccid(), validUntil: '2027-01-31' }],
        ['GET', cardUrl(otherCard.msisdn)],
        ['POST', cardUrl(otherCard.msisdn, '/block'), { reason: 'not yours' }],
        ['POST', cardUrl(otherCard.msisdn, '/replace-sim'), { iccid: uniqueIccid() }],
        ['GET', '/v1/admin/orders?operator=other'],
        ['POST', `/v1/admin/orders/${otherOrder.id}/refund`, { reason: 'not yours' }],
      ];
      for (const [method, url, payload] of forbidden) {
        const res = await as(token, method, url, payload);
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.error.code, `${method} ${url}`).toBe('forbidden');
      }
      expect(await adminCard(h, otherCard.msisdn)).toMatchObject({
        blocked: false,
        iccid: otherCard.iccid,
        orders: [expect.objectContaining({ status: 'fulfilled' })],
      });
      expect((await h.admin('GET', '/v1/admin/operators/other')).body.displayName).toBe('Other Telecom');

      // The unscoped token from the environment acts for every operator.
      expect((await h.admin('GET', '/v1/admin/operators/other')).status).toBe(200);
      expect((await h.admin('GET', cardUrl(otherCard.msisdn))).status).toBe(200);
      const all = await h.admin('GET', '/v1/admin/orders?limit=500');
      expect(all.body.orders.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([demoOrder.id, otherOrder.id]));
    });

    it('accepts CLI-created tokens until they are revoked; unknown or missing tokens are 401', async () => {
      const { id, token } = await h.services.tokens.create('ci');
      expect((await as(token, 'GET', '/v1/admin/operators/demo')).status).toBe(200);
      expect(await h.services.tokens.revoke(id)).toBe(true);
      const revoked = await as(token, 'GET', '/v1/admin/operators/demo');
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('unauthorized');
      expect(await h.services.tokens.revoke(id)).toBe(false);
      expect((await as('sk_admin_not-a-token', 'GET', '/v1/admin/operators/demo')).status).toBe(401);
      const missing = await h.request({ method: 'GET', url: '/v1/admin/operators/demo' });
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('unauthorized');
      await expect(h.services.tokens.create('nobody', 'no-such-operator')).rejects.toMatchObject({ code: 'operator_not_found' });
    });
  });
});
