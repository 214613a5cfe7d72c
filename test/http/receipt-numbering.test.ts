import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfilOrder } from '../../src/renewal/fulfilment.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, placeOrder, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';

describe.each(DIALECTS)('receipt numbering on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h, { code: 'cm-hk', name: 'Hyphenated Telecom' });
    await newPlan(h, { code: 'm1', months: 1, price: 800 }, 'cm-hk');
  });
  afterAll(() => h.close());

  it('numbers a fulfilment whose numbering step never ran, without a gap, when the order is read', async () => {
    const card = await newCard(h, '2027-06-30', 'cm-hk');
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('CM-HK-2026-000001');

    // A process that commits the fulfilment and dies before numbering leaves this behind.
    const created = await placeOrder(h, card, 'm1');
    const { db } = h.services;
    const operator = await h.services.catalog.operatorByCode('cm-hk');
    if (!operator) throw new Error('operator missing');
    await db.kysely.transaction().execute(async (trx) => {
      const order = await trx.selectFrom('orders').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(await fulfilOrder(trx, db.dialect, order, operator, h.clock)).toEqual({ fulfilled: true });
    });
    const stored = await db.kysely.selectFrom('orders').select('receipt_number').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(stored.receipt_number).toBeNull();

    const read = (await h.request({ method: 'GET', url: `/v1/orders/${created.body.id}` })).body;
    expect(read).toMatchObject({ status: 'fulfilled', receipt: { number: 'CM-HK-2026-000002' } });
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('CM-HK-2026-000003');
    const sequences = await db.kysely.selectFrom('receipts').select('sequence').where('operator_id', '=', operator.id).orderBy('sequence').execute();
    expect(sequences.map((r) => r.sequence)).toEqual([1, 2, 3]);
  });

  it('numbers by the year of the fulfilment in the operator’s zone', async () => {
    const card = await newCard(h, '2027-06-30', 'cm-hk');
    h.clock.set('2026-12-31T15:59:59Z'); // 23:59:59 on 2026-12-31 in Shanghai
    const last2026 = (await renewOnline(h, card, 'm1')).receipt.number;
    expect(last2026).toMatch(/^CM-HK-2026-\d{6}$/);
    h.clock.set('2026-12-31T16:00:00Z'); // 2027-01-01 00:00 in Shanghai
    expect((await renewOnline(h, card, 'm1')).receipt.number).toBe('CM-HK-2027-000001');
    const verified = await h.request({
      method: 'GET',
      url: '/r/CM-HK-2027-000001?sig=0123456789abcdef0123456789abcdef',
      headers: { accept: 'application/json' },
    });
    expect(verified.status).toBe(404); // the signature is required, also for hyphenated codes
  });
});
