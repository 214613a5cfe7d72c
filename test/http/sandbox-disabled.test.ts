import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, placeOrder, startHarness } from '../support/harness.js';

// Off by default (a deployment that says nothing about it) and when switched off explicitly.
const SWITCHED_OFF = [
  ['left unset', {}],
  ['SIMKEEP_SANDBOX_ENABLED=false', { SIMKEEP_SANDBOX_ENABLED: 'false' }],
] as const;

describe.each(DIALECTS.flatMap((dialect) => SWITCHED_OFF.map(([how, env]) => [dialect, how, env] as const)))(
  'a deployment with the sandbox provider off, on %s (%s)',
  (dialect, _how, env) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(dialect, { ...env });
      await newOperator(h);
      await newPlan(h);
    });
    afterAll(() => h.close());

    it('refuses sandbox orders and serves neither the sandbox checkout nor its webhook', async () => {
      const card = await newCard(h, '2027-01-31');
      const order = await placeOrder(h, card, 'm1');
      expect(order.status).toBe(422);
      expect(order.body.error).toMatchObject({ code: 'payment_method_unavailable', details: { available: [] } });
      expect(await h.services.db.kysely.selectFrom('orders').select('id').execute()).toEqual([]);

      expect((await h.request({ method: 'GET', url: '/pay/sandbox/pay_anything' })).status).toBe(404);
      const webhook = await h.request({ method: 'POST', url: '/v1/payments/sandbox/webhook', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(webhook).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    });

    it('offers no payment method at all until the operator enables a provider', async () => {
      expect((await h.request({ method: 'GET', url: '/v1/storefront' })).body.paymentMethods).toEqual([]);
      const card = await newCard(h, '2027-01-31');
      const lookup = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
      expect(lookup.body.paymentMethods).toEqual([]);
    });
  },
);
