/**
 * The sandbox provider's checkout page, whose Pay and Fail buttons deliver a signed
 * notification through the sandbox webhook (routes/provider/sandbox-routes.ts), as a real
 * provider would. Registered only while the sandbox is on.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../http/schemas.js';
import { checkoutPage } from '../../payments/checkout-page.js';
import type { PaymentService } from '../../payments/payment-service.js';
import { SIGNATURE_HEADER, signSandboxEvent } from '../../payments/sandbox-signature.js';
import type { Secrets } from '../../platform/secrets.js';
import type { OrderService } from '../../renewal/order-service.js';
import type { Clock } from '../../shared/clock.js';
import { newSecretId } from '../../shared/ids.js';

import { SANDBOX_WEBHOOK as WEBHOOK } from '../provider/sandbox-routes.js';

const PaymentId = Type.Object({ paymentId: Type.String({ minLength: 1, maxLength: 64 }) });
/** Where the subscriber goes back to after paying, like a real provider's return URL: a path of this site only. */
const ReturnTo = Type.Object({
  return: Type.Optional(
    Type.String({ pattern: '^/(?![/\\\\])[^\\s]{0,300}$', description: "A path on this site (e.g. the web app's order page).", examples: ['/orders/ord_x'] }),
  ),
});

export interface SandboxCheckoutRoutesOptions {
  payments: PaymentService;
  orders: OrderService;
  secrets: Pick<Secrets, 'sandboxSecret'>;
  clock: Clock;
}

export const sandboxCheckoutRoutes: FastifyPluginAsyncTypebox<SandboxCheckoutRoutesOptions> = async (app, services) => {
  const { payments, orders, secrets, clock } = services;
  // The checkout page's buttons are plain HTML forms: their (empty) bodies carry nothing we
  // read, so the routes below take 1 KB at most.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));

  app.get(
    '/pay/sandbox/:paymentId',
    {
      schema: { tags: ['payments'], summary: 'Sandbox checkout page (HTML)', params: PaymentId, querystring: ReturnTo, produces: ['text/html'] },
    },
    async (request, reply) => {
      const checkout = await payments.checkout(request.params.paymentId);
      const order = await orders.get(checkout.orderId);
      return reply.type('text/html; charset=utf-8').send(checkoutPage(checkout, order, request.query.return));
    },
  );

  for (const outcome of ['pay', 'fail'] as const) {
    app.post(
      `/pay/sandbox/:paymentId/${outcome}`,
      {
        bodyLimit: 1024,
        schema: {
          tags: ['payments'],
          summary: `Sandbox checkout: ${outcome === 'pay' ? 'pay' : 'fail'} (delivers a signed notification)`,
          params: PaymentId,
          querystring: ReturnTo,
          response: errors(400, 404),
        },
      },
      async (request, reply) => {
        const checkout = await payments.checkout(request.params.paymentId);
        const body = JSON.stringify({
          id: newSecretId('evt'),
          type: outcome === 'pay' ? 'payment.succeeded' : 'payment.failed',
          data: { paymentId: checkout.paymentId, amount: checkout.amount, currency: checkout.currency },
        });
        const signature = signSandboxEvent(secrets.sandboxSecret, body, Math.floor(clock.now().getTime() / 1000));
        const delivered = await app.inject({
          method: 'POST',
          url: WEBHOOK,
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
          payload: body,
        });
        if (delivered.statusCode !== 200) request.log.error({ status: delivered.statusCode }, 'sandbox notification was refused');
        const back = request.query.return;
        return reply.redirect(back ?? `/pay/sandbox/${checkout.paymentId}`, 303);
      },
    );
  }
};
