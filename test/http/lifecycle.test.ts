/**
 * The card's life over HTTP (domain-rules.md, "Dates and the card's life" and "Renewal
 * arithmetic"): status derived at the boundaries in the operator's zone, daysLeft and
 * expiringSoon, where a renewal starts from at fulfilment, day and bonus periods, refusals,
 * SIM swaps and numbers issued again after recycling.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { adminCard, cardOf, lookup, orderById, paySucceeded, pendingOrder, placeOrder, quote } from '../support/flows.js';
import {
  DEFAULT_NOW,
  type Harness,
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

/** Midnight starting the local date in Asia/Shanghai (UTC+8), as a UTC instant. */
const shanghaiMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
const oneSecondBefore = (instant: string) => new Date(Date.parse(instant) - 1000).toISOString();

describe.each(DIALECTS)('card lifecycle over HTTP on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h); // demo: Asia/Shanghai, graceDays 30, suspendDays 90 by default
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'd7', name: '7 days', months: undefined, days: 7, price: 300 });
    await newPlan(h, { code: 'd30', name: '30 days', months: undefined, days: 30, price: 900 });
    await newPromotion(h, { code: 'BONUSM1', kind: 'bonus', value: 1, unit: 'months' });
    await newPromotion(h, { code: 'BONUSD3', kind: 'bonus', value: 3, unit: 'days' });
    await newOperator(h, { code: 'short', name: 'Short Policy', graceDays: 10, suspendDays: 20 });
    await newPlan(h, { code: 'm1', months: 1, price: 800 }, 'short');
    await newOperator(h, { code: 'la', name: 'LA Mobile', timeZone: 'America/Los_Angeles', currency: 'USD' });
    await newPlan(h, { code: 'm1', months: 1, price: 1000 }, 'la');
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set(DEFAULT_NOW)); // 2026-11-24 12:00 in Shanghai

  it('derives the status at each boundary from validUntil and the operator policy, in the operator zone', async () => {
    const card = await newCard(h, '2026-12-01', 'short'); // graceDays 10, suspendDays 20
    const expectations: [string, Record<string, unknown>][] = [
      [oneSecondBefore(shanghaiMidnight('2026-11-24')), { status: 'active', daysLeft: 8, expiringSoon: false, renewable: true }],
      [shanghaiMidnight('2026-11-24'), { status: 'active', daysLeft: 7, expiringSoon: true, renewable: true }],
      [oneSecondBefore(shanghaiMidnight('2026-12-02')), { status: 'active', daysLeft: 0, expiringSoon: true, today: '2026-12-01' }],
      [shanghaiMidnight('2026-12-02'), { status: 'grace', daysLeft: -1, expiringSoon: false, renewable: true, today: '2026-12-02' }],
      [oneSecondBefore(shanghaiMidnight('2026-12-12')), { status: 'grace', daysLeft: -10, renewable: true }],
      [shanghaiMidnight('2026-12-12'), { status: 'suspended', daysLeft: -11, expiringSoon: false, renewable: true }],
      [oneSecondBefore(shanghaiMidnight('2027-01-01')), { status: 'suspended', daysLeft: -30, renewable: true }],
      [shanghaiMidnight('2027-01-01'), { status: 'recycled', daysLeft: -31, expiringSoon: false, renewable: false }],
    ];
    for (const [instant, expected] of expectations) {
      h.clock.set(instant);
      const res = await lookup(h, card);
      expect(res.status, instant).toBe(200);
      expect(res.body.card, instant).toMatchObject({ validUntil: '2026-12-01', ...expected });
      expect((await adminCard(h, card.msisdn)).status, instant).toBe(expected.status);
    }
    expect((await lookup(h, card)).body.plans).toEqual([]); // nothing is offered for a recycled number
  });

  it('follows a change of the operator policy at once (the status is derived, no job runs)', async () => {
    const card = await newCard(h, '2026-11-01', 'short');
    h.clock.set(shanghaiMidnight('2026-11-15')); // 14 days after validUntil: past the 10 grace days
    expect((await cardOf(h, card)).status).toBe('suspended');
    expect((await h.admin('PATCH', '/v1/admin/operators/short', { graceDays: 14 })).status).toBe(200);
    try {
      expect((await cardOf(h, card)).status).toBe('grace');
    } finally {
      await h.admin('PATCH', '/v1/admin/operators/short', { graceDays: 10 });
    }
  });

  it('takes "today" in the operator zone, not UTC: Los Angeles and Shanghai at the same instant', async () => {
    const la = await newCard(h, '2026-11-24', 'la');
    const sh = await newCard(h, '2026-11-24', 'demo');
    h.clock.set('2026-11-24T20:00:00Z'); // UTC 11-24; Shanghai 11-25 04:00; Los Angeles 11-24 12:00
    expect(await cardOf(h, sh)).toMatchObject({ today: '2026-11-25', status: 'grace', daysLeft: -1, expiringSoon: false });
    expect(await cardOf(h, la)).toMatchObject({ today: '2026-11-24', status: 'active', daysLeft: 0, expiringSoon: true });
    h.clock.set('2026-11-25T07:59:59Z'); // UTC 11-25 already; Los Angeles 11-24 23:59:59
    expect(await cardOf(h, la)).toMatchObject({ today: '2026-11-24', status: 'active', daysLeft: 0 });
    h.clock.set('2026-11-25T08:00:00Z'); // Los Angeles 11-25 00:00
    expect(await cardOf(h, la)).toMatchObject({ today: '2026-11-25', status: 'grace', daysLeft: -1 });
  });

  it('renews a card in grace from its old validUntil, keeping the anchor day', async () => {
    const card = await newCard(h, '2026-10-31'); // 24 days expired on 2026-11-24: grace
    expect((await cardOf(h, card)).status).toBe('grace');
    const quoted = await quote(h, card, 'm1');
    expect(quoted.body).toMatchObject({ validUntilBefore: '2026-10-31', validUntilAfter: '2026-11-30' });
    expect(await renewOnline(h, card, 'm1')).toMatchObject({ status: 'fulfilled', validUntilBefore: '2026-10-31', validUntilAfter: '2026-11-30' });
    expect(await renewOnline(h, card, 'm1')).toMatchObject({ validUntilBefore: '2026-11-30', validUntilAfter: '2026-12-31' });
    expect(await cardOf(h, card)).toMatchObject({ status: 'active', validUntil: '2026-12-31' });
  });

  it('restarts a suspended card from today, with today as its new anchor day', async () => {
    const card = await newCard(h, '2026-09-15');
    h.clock.set(shanghaiMidnight('2026-12-31')); // 107 days after validUntil: suspended
    expect((await cardOf(h, card)).status).toBe('suspended');
    expect((await quote(h, card, 'm1')).body).toMatchObject({ validUntilBefore: '2026-09-15', validUntilAfter: '2027-01-31' });
    expect(await renewOnline(h, card, 'm1')).toMatchObject({ validUntilBefore: '2026-09-15', validUntilAfter: '2027-01-31' });
    expect((await adminCard(h, card.msisdn)).anchorDay).toBe(31);
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-02-28');
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-03-31');
  });

  it('restarts from today in the operator zone (Los Angeles), not the UTC date', async () => {
    const card = await newCard(h, '2026-09-01', 'la');
    h.clock.set('2026-11-25T05:00:00Z'); // UTC 11-25; Los Angeles 11-24 21:00
    expect((await cardOf(h, card)).status).toBe('suspended');
    expect(await renewOnline(h, card, 'm1')).toMatchObject({ total: 1000, currency: 'USD', validUntilBefore: '2026-09-01', validUntilAfter: '2026-12-24' });
  });

  it('refuses a plan that would still end before today (period_too_short) at quote and at order', async () => {
    const card = await newCard(h, '2026-11-01'); // 23 days into grace
    const quoted = await quote(h, card, 'd7');
    expect(quoted.status).toBe(422);
    expect(quoted.body.error.code).toBe('period_too_short');
    const ordered = await placeOrder(h, card, 'd7');
    expect(ordered.status).toBe(422);
    expect(ordered.body.error.code).toBe('period_too_short');
    expect((await adminCard(h, card.msisdn)).orders).toEqual([]);
    expect((await quote(h, card, 'd30')).body.validUntilAfter).toBe('2026-12-01');

    const edge = await newCard(h, '2026-11-17'); // + 7 days = today: still valid today, so allowed
    expect((await quote(h, edge, 'd7')).body).toMatchObject({ validUntilAfter: '2026-11-24' });
  });

  it('refuses to renew a recycled or a blocked card, at quote and at order', async () => {
    const recycled = await newCard(h, '2026-01-01'); // 327 days expired: past grace and suspension
    expect(await cardOf(h, recycled)).toMatchObject({ status: 'recycled', renewable: false });
    const blocked = await newCard(h, '2027-01-31');
    expect((await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(blocked.msisdn)}/block`, { reason: 'stolen' })).status).toBe(200);
    expect(await cardOf(h, blocked)).toMatchObject({ status: 'blocked', renewable: false, validUntil: '2027-01-31' });
    for (const [card, code] of [
      [recycled, 'card_recycled'],
      [blocked, 'card_blocked'],
    ] as const) {
      for (const res of [await quote(h, card, 'm1'), await placeOrder(h, card, 'm1')]) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe(code);
      }
      expect((await adminCard(h, card.msisdn)).orders).toEqual([]);
    }
  });

  it('shows a blocked card as recycled once its dates say so: a block never revives a number', async () => {
    const card = await newCard(h, '2026-01-01');
    expect((await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}/block`, { reason: 'fraud' })).status).toBe(200);
    expect(await cardOf(h, card)).toMatchObject({ status: 'recycled', renewable: false });
    expect((await quote(h, card, 'm1')).body.error.code).toBe('card_recycled');
  });

  it('computes a renewal at fulfilment: ordered in grace, paid once suspended, it restarts from today', async () => {
    const card = await newCard(h, '2026-10-25'); // the last day of grace is 2026-11-24
    h.clock.set('2026-11-24T15:50:00Z'); // 23:50 in Shanghai
    const order = await pendingOrder(h, card, 'm1');
    expect((await quote(h, card, 'm1')).body.validUntilAfter).toBe('2026-11-25');
    h.clock.advance(20 * 60_000); // 00:10 on 11-25: suspended; the order has not expired
    expect((await cardOf(h, card)).status).toBe('suspended');
    expect((await paySucceeded(h, order)).status).toBe(200);
    expect(await orderById(h, order.id)).toMatchObject({ status: 'fulfilled', validUntilBefore: '2026-10-25', validUntilAfter: '2026-12-25' });
    expect(await adminCard(h, card.msisdn)).toMatchObject({ validUntil: '2026-12-25', anchorDay: 25 });
  });

  it('moves the anchor day with a day plan', async () => {
    const card = await newCard(h, '2027-01-31');
    expect((await renewOnline(h, card, 'd30')).validUntilAfter).toBe('2027-03-02');
    expect((await adminCard(h, card.msisdn)).anchorDay).toBe(2);
    expect((await renewOnline(h, card, 'm1')).validUntilAfter).toBe('2027-04-02');
  });

  it('adds a bonus in months after the paid period, keeping the anchor day', async () => {
    const card = await newCard(h, '2027-01-31');
    const quoted = await quote(h, card, 'm1', 'bonusm1');
    expect(quoted.body).toMatchObject({ total: 800, bonus: { months: 1 }, validUntilAfter: '2027-03-31' });
    const order = await renewOnline(h, card, 'm1', { coupon: 'BONUSM1' });
    expect(order).toMatchObject({ status: 'fulfilled', bonus: { months: 1 }, validUntilBefore: '2027-01-31', validUntilAfter: '2027-03-31' });
    expect((await adminCard(h, card.msisdn)).anchorDay).toBe(31);
  });

  it('adds a bonus in days after the paid period (months first, then days, which move the anchor)', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'm1', { coupon: 'bonusd3' });
    expect(order).toMatchObject({ bonus: { days: 3 }, validUntilBefore: '2027-01-31', validUntilAfter: '2027-03-03' });
    expect((await adminCard(h, card.msisdn)).anchorDay).toBe(3);
  });

  it('keeps the number, validity and history through a SIM swap; only the new ICCID opens the card', async () => {
    const card = await newCard(h, '2027-01-31');
    const first = await renewOnline(h, card, 'm1');
    const newIccid = uniqueIccid();
    const swapped = await h.admin('POST', `/v1/admin/cards/${encodeURIComponent(card.msisdn)}/replace-sim`, { iccid: newIccid });
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({ msisdn: card.msisdn, iccid: newIccid, validUntil: '2027-02-28' });
    for (const old of [card.iccid, card.iccid.slice(-6)]) {
      const res = await lookup(h, card, old);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('card_not_found');
    }
    const swappedCard = { msisdn: card.msisdn, iccid: newIccid };
    expect((await lookup(h, swappedCard, newIccid.slice(-6))).body.card.validUntil).toBe('2027-02-28');
    const second = await renewOnline(h, swappedCard, 'm1');
    expect(second.validUntilAfter).toBe('2027-03-31');
    const seen = await adminCard(h, card.msisdn);
    expect(seen.iccid).toBe(newIccid);
    expect(seen.orders.map((o: { id: string }) => o.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('issues a recycled number again on a new card, keeping the old card’s orders', async () => {
    const msisdn = uniqueMsisdn();
    const oldIccid = uniqueIccid();
    expect((await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn, iccid: oldIccid, validUntil: '2026-12-31' })).status).toBe(201);
    const oldOrder = await renewOnline(h, { msisdn, iccid: oldIccid }, 'm1');
    expect(oldOrder.validUntilAfter).toBe('2027-01-31');

    // Not recycled yet (suspended): the number and the SIM are taken.
    h.clock.set(shanghaiMidnight('2027-05-31')); // 2027-01-31 + 30 + 90 = 2027-05-31: the last suspended day
    const taken = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn, iccid: uniqueIccid(), validUntil: '2027-12-31' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'card_exists', details: { field: 'msisdn' } });
    const sim = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn: uniqueMsisdn(), iccid: oldIccid, validUntil: '2027-12-31' });
    expect(sim.status).toBe(409);
    expect(sim.body.error).toMatchObject({ code: 'card_exists', details: { field: 'iccid' } });

    h.clock.set(shanghaiMidnight('2027-06-01'));
    expect((await cardOf(h, { msisdn, iccid: oldIccid })).status).toBe('recycled');
    const newIccid = uniqueIccid();
    const reissued = await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn, iccid: newIccid, validUntil: '2027-12-31' });
    expect(reissued.status).toBe(201);
    expect(reissued.body).toMatchObject({ msisdn, iccid: newIccid, status: 'active', validUntil: '2027-12-31', anchorDay: 31 });

    expect(await adminCard(h, msisdn)).toMatchObject({ iccid: newIccid, orders: [] });
    expect((await lookup(h, { msisdn, iccid: oldIccid })).status).toBe(404);
    expect((await cardOf(h, { msisdn, iccid: newIccid })).status).toBe('active');
    // The old card's order and receipt stay.
    const kept = await orderById(h, oldOrder.id);
    expect(kept).toMatchObject({ status: 'fulfilled', validUntilAfter: '2027-01-31', receipt: { number: oldOrder.receipt.number } });
    const verified = await h.request({ method: 'GET', url: kept.receipt.verifyUrl, headers: { accept: 'application/json' } });
    expect(verified.body).toMatchObject({ valid: true, receipt: { number: oldOrder.receipt.number, validUntilAfter: '2027-01-31' } });
  });
  it('lets another operator issue a number recycled by its first operator, judged by that operator’s policy', async () => {
    const code = `ops-${uniqueMsisdn().slice(-6)}`;
    // The second operator keeps numbers far longer: its policy must not decide the first one's card.
    expect((await h.admin('POST', '/v1/admin/operators', { code, name: 'Second Telecom', graceDays: 300, suspendDays: 300 })).status).toBe(201);
    const msisdn = uniqueMsisdn();
    expect((await h.admin('POST', '/v1/admin/operators/demo/cards', { msisdn, iccid: uniqueIccid(), validUntil: '2026-12-31' })).status).toBe(201);

    h.clock.set(shanghaiMidnight('2027-04-30')); // suspended with demo's 30 + 90 days
    const early = await h.admin('POST', `/v1/admin/operators/${code}/cards`, { msisdn, iccid: uniqueIccid(), validUntil: '2027-12-31' });
    expect(early.body.error).toMatchObject({ code: 'card_exists', details: { field: 'msisdn' } });

    h.clock.set(shanghaiMidnight('2027-05-01')); // recycled by demo's policy
    const moved = await h.admin('POST', `/v1/admin/operators/${code}/cards`, { msisdn, iccid: uniqueIccid(), validUntil: '2027-12-31' });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({ operator: code, msisdn, status: 'active' });
  });
});
