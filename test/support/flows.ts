/**
 * Small steps of the subscriber's and the operator's flows over HTTP, for the behaviour
 * suites: look a card up, quote, place an order without paying it, pay it (or fail it),
 * read an order or a card as the operator sees them.
 */
import { type Harness, notify, placeOrder } from './harness.js';

export { placeOrder };

export interface TestCard {
  msisdn: string;
  iccid: string;
}

let eventCounter = 0;
/** A provider event id no other test uses. */
export const eventId = () => `evt-${process.pid}-${++eventCounter}-${Date.now()}`;

export function lookup(h: Harness, card: TestCard, iccid = card.iccid) {
  return h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid } });
}

/** The card as a lookup shows it (throws unless the lookup succeeds). */
export async function cardOf(h: Harness, card: TestCard) {
  const res = await lookup(h, card);
  if (res.status !== 200) throw new Error(`lookup: ${res.status} ${res.raw}`);
  return res.body.card;
}

export function quote(h: Harness, card: TestCard, plan: string, coupon?: string) {
  return h.request({
    method: 'POST',
    url: '/v1/quotes',
    payload: { msisdn: card.msisdn, iccid: card.iccid, plan, ...(coupon === undefined ? {} : { coupon }) },
  });
}

/** Places an order and returns it unpaid (throws unless it was created). */
export async function pendingOrder(h: Harness, card: TestCard, plan: string, extra: Record<string, unknown> = {}) {
  const res = await placeOrder(h, card, plan, extra);
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.raw}`);
  return res.body as { id: string; total: number; currency: string; expiresAt: string; payment: { id: string } };
}

type Order = { total: number; currency: string; payment: { id: string } };

/** Delivers a signed `payment.succeeded` for the order (its own amount unless overridden). */
export function paySucceeded(h: Harness, order: Order, data: { amount?: number; currency?: string } = {}, id = eventId()) {
  return notify(h, { id, type: 'payment.succeeded', data: { paymentId: order.payment.id, amount: order.total, currency: order.currency, ...data } });
}

export function payFailed(h: Harness, order: Order, id = eventId()) {
  return notify(h, { id, type: 'payment.failed', data: { paymentId: order.payment.id, amount: order.total, currency: order.currency } });
}

export async function orderById(h: Harness, id: string) {
  const res = await h.request({ method: 'GET', url: `/v1/orders/${id}` });
  if (res.status !== 200) throw new Error(`order ${id}: ${res.status} ${res.raw}`);
  return res.body;
}

/** The card as the operator sees it, with its orders. */
export async function adminCard(h: Harness, msisdn: string) {
  const res = await h.admin('GET', `/v1/admin/cards/${encodeURIComponent(msisdn)}`);
  if (res.status !== 200) throw new Error(`admin card: ${res.status} ${res.raw}`);
  return res.body;
}
