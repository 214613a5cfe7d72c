/**
 * The subscriber's way to a real provider and back: `/pay/{provider}/{paymentId}` sends
 * them on (a redirect, an auto-submitted form or a QR page), and
 * `/pay/{provider}/{paymentId}/return` brings them back to the order page.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../http/schemas.js';
import { allowFormPostTo } from '../../http/security-headers.js';
import { PROVIDERS } from '../../payments/provider.js';
import { autoSubmitPage, qrPage } from '../../payments/provider-pages.js';
import type { ProviderPayments } from '../../payments/provider-payments.js';

const NAMES = { alipay: 'Alipay', wechatpay: 'WeChat Pay', unionpay: 'UnionPay' } as const;
const PaymentId = Type.Object({ paymentId: Type.String({ minLength: 1, maxLength: 64 }) });
const ReturnTo = Type.String({
  pattern: '^/(?![/\\\\])[^\\s]{0,300}$',
  description: "A path on this site (e.g. the web app's order page).",
  examples: ['/orders/ord_x'],
});

export interface CheckoutRoutesOptions {
  providerPayments: ProviderPayments;
}

export const checkoutRoutes: FastifyPluginAsyncTypebox<CheckoutRoutesOptions> = async (app, services) => {
  const { providerPayments } = services;
  // UnionPay comes back with a form POST: its fields are not read (the notification is what counts).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  for (const provider of PROVIDERS) {
    app.get(
      `/pay/${provider}/:paymentId`,
      {
        schema: {
          tags: ['payments'],
          summary: `${NAMES[provider]} checkout (redirect, form or QR page)`,
          params: PaymentId,
          querystring: Type.Object({
            return: Type.Optional(ReturnTo),
            device: Type.Optional(Type.Enum(['mobile', 'desktop'], { description: "The provider's mobile or desktop checkout; default: by User-Agent." })),
          }),
          produces: ['text/html'],
          response: {
            200: Type.Unsafe<string>({ type: 'string', description: 'HTML: the form or QR page (or 303 to the provider)' }),
            ...errors(400, 404, 422, 502),
          },
        },
      },
      async (request, reply) => {
        const { step, order, returnPath } = await providerPayments.startCheckout(provider, request.params.paymentId, {
          returnTo: request.query.return,
          device: request.query.device as 'mobile' | 'desktop' | undefined,
          clientIp: request.ip,
          userAgent: request.headers['user-agent'],
        });
        reply.header('cache-control', 'no-store');
        if (!step) return reply.redirect(returnPath, 303);
        switch (step.kind) {
          case 'redirect':
            return reply.redirect(step.url, 303);
          case 'form':
            return allowFormPostTo(reply, step.action).type('text/html; charset=utf-8').send(autoSubmitPage(step.action, step.fields));
          case 'qr':
            return reply.type('text/html; charset=utf-8').send(await qrPage(step.content, order, returnPath));
        }
      },
    );

    // Alipay comes back with GET and its own query fields, UnionPay with a form POST: both
    // land on the order page, which follows the order (the notification is what counts).
    app.route({
      method: ['GET', 'POST'],
      url: `/pay/${provider}/:paymentId/return`,
      schema: {
        tags: ['payments'],
        summary: `Back from ${NAMES[provider]}: to the order page`,
        params: PaymentId,
        querystring: Type.Object({ return: Type.Optional(ReturnTo) }, { additionalProperties: true }),
        response: errors(400, 404),
      },
      handler: async (request, reply) => {
        const { paymentId } = request.params as { paymentId: string };
        const { return: returnTo } = request.query as { return?: string };
        return reply.redirect(await providerPayments.returnPath(provider, paymentId, returnTo), 303);
      },
    });
  }
};
