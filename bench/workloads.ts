/** The benchmark's request sequences, shared by `run.ts` and `profile.ts`. */
import { signSandboxEvent } from '../src/payments/sandbox-signature.js';
import type { LoadRequest } from './load.js';
import type { BenchCard } from './seed.js';

export function lookupRequests(cards: BenchCard[]): LoadRequest[] {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/v1/cards/lookup',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        const card = cards[i++ % cards.length] as BenchCard;
        return { ...request, body: JSON.stringify({ msisdn: card.msisdn, iccid: card.iccid.slice(-6) }) };
      },
    },
  ];
}

/** One renewal = POST /v1/orders, then the provider's signed success notification. */
export function renewalRequests(cards: BenchCard[], sandboxSecret: string): LoadRequest[] {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/v1/orders',
      setupRequest: (request) => {
        const card = cards[i++ % cards.length] as BenchCard;
        return {
          ...request,
          headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${process.pid}-${i}` },
          body: JSON.stringify({ msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', payment: 'sandbox' }),
        };
      },
      onResponse: (status, body, context) => {
        context.order = status === 201 ? JSON.parse(body) : undefined;
      },
    },
    {
      method: 'POST',
      path: '/v1/payments/sandbox/webhook',
      setupRequest: (request, context) => {
        const order = context.order as { id: string; total: number; currency: string; payment: { id: string } } | undefined;
        if (!order) return undefined as never; // the order failed: start over
        const body = JSON.stringify({
          id: `evt-${order.id}`,
          type: 'payment.succeeded',
          data: { paymentId: order.payment.id, amount: order.total, currency: order.currency },
        });
        const signature = signSandboxEvent(sandboxSecret, body, Math.floor(Date.now() / 1000));
        return { ...request, headers: { 'content-type': 'application/json', 'simkeep-signature': signature }, body };
      },
    },
  ];
}
