/**
 * Routes of the real providers. Their notifications (`/v1/payments/{provider}/notify/{operator}`)
 * read the body as received, since that is what was signed, and answer in each provider's
 * own words (`success`, 204, `ok`; or a failure that makes it retry). The checkout route
 * `/pay/{provider}/{paymentId}` sends the subscriber on to the provider, and
 * `/pay/{provider}/{paymentId}/return` brings them back to the order page.
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../catalog/catalog-schemas.js';
import { errors } from '../http/schemas.js';
import { validatorCompiler } from '../http/validation.js';
import { DomainError } from '../shared/errors.js';
import { PROVIDERS } from './provider.js';
import { autoSubmitPage, qrPage } from './provider-pages.js';
import type { ProviderPayments } from './provider-payments.js';
import { providers } from './provider-settings.js';

const NAMES = { alipay: 'Alipay', wechatpay: 'WeChat Pay', unionpay: 'UnionPay' } as const;
const PaymentId = Type.Object({ paymentId: Type.String({ minLength: 1, maxLength: 64 }) });
const ReturnTo = Type.String({
  pattern: '^/(?![/\\\\])[^\\s]{0,300}$',
  description: "A path on this site (e.g. the web app's order page).",
  examples: ['/orders/ord_x'],
});

export interface ProviderRoutesOptions {
  providerPayments: ProviderPayments;
}

export const providerRoutes: FastifyPluginAsyncTypebox<ProviderRoutesOptions> = async (app, services) => {
  const { providerPayments } = services;
  const raw = (_request: unknown, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => done(null, body);
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, raw);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, raw);

  for (const provider of PROVIDERS) {
    const implementation = providers[provider];

    await app.register(async (scope) => {
      const notify = scope.withTypeProvider<TypeBoxTypeProvider>();
      // A refusal: our error object, with whatever the provider's protocol wants beside it.
      notify.setErrorHandler((error: Error, request, reply) => {
        const domain = error instanceof DomainError ? error : undefined;
        const status = domain?.status ?? (error as { statusCode?: number }).statusCode ?? 500;
        const known = status < 500;
        if (known) request.log.warn({ code: domain?.code, message: error.message }, `${provider} notification refused`);
        else request.log.error({ err: error }, `${provider} notification failed`);
        const code = domain?.code ?? (known ? 'invalid_request' : 'internal_error');
        const message = known ? error.message : 'Something went wrong on our side; the notification can be delivered again.';
        const details = domain?.details ?? ((error as { validation?: unknown }).validation ? { fields: ['/operator'] } : undefined);
        return reply.status(status).send({ ...implementation.refusal(message), error: { code, message, ...(details ? { details } : {}) } });
      });
      notify.post(
        `/v1/payments/${provider}/notify/:operator`,
        {
          schema: {
            tags: ['payments'],
            summary: `${NAMES[provider]} payment notification`,
            description: `Where ${NAMES[provider]} notifies payments of the operator's merchant (its notify URL). Verified with the operator's settings; a duplicate answers success and changes nothing.`,
            params: Type.Object({ operator: OperatorCode }),
            body: Type.Unsafe<string>({ description: 'The notification as the provider signed it' }),
          },
          // The raw string is what was signed: the provider checks it, not a schema.
          validatorCompiler: (context) => (context.httpPart === 'body' ? () => true : validatorCompiler(context)),
        },
        async (request, reply) => {
          if (typeof request.body !== 'string' || request.body.includes('\u0000')) {
            throw new DomainError('invalid_request', 'Send the notification as the provider does.');
          }
          await providerPayments.receive(provider, request.params.operator, request.headers, request.body);
          const answer = implementation.acknowledge();
          return reply.status(answer.status).type(answer.contentType).send(answer.body);
        },
      );
    });

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
            return reply.type('text/html; charset=utf-8').send(autoSubmitPage(step.action, step.fields));
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
