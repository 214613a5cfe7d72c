/**
 * The real providers' payment notifications (`/v1/payments/{provider}/notify/{operator}`),
 * called by Alipay, WeChat Pay and UnionPay themselves. Each is read as received, since that
 * is what was signed, verified with the operator's settings by its adapter, and answered in
 * the provider's own words (`success`, 204, `ok`; or a failure that makes it retry).
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { validatorCompiler } from '../../http/validation.js';
import { PROVIDERS } from '../../payments/provider.js';
import type { ProviderPayments } from '../../payments/provider-payments.js';
import { providers } from '../../payments/provider-settings.js';
import { DomainError } from '../../shared/errors.js';

const NAMES = { alipay: 'Alipay', wechatpay: 'WeChat Pay', unionpay: 'UnionPay' } as const;
const _PaymentId = Type.Object({ paymentId: Type.String({ minLength: 1, maxLength: 64 }) });
const _ReturnTo = Type.String({
  pattern: '^/(?![/\\\\])[^\\s]{0,300}$',
  description: "A path on this site (e.g. the web app's order page).",
  examples: ['/orders/ord_x'],
});

export interface NotificationRoutesOptions {
  providerPayments: ProviderPayments;
}

export const notificationRoutes: FastifyPluginAsyncTypebox<NotificationRoutesOptions> = async (app, services) => {
  const { providerPayments } = services;
  const raw = (_request: unknown, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => done(null, body);
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, raw);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, raw);

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
            throw new DomainError('invalid_request', { 'zh-CN': '请按支付渠道的格式发送通知。', en: 'Send the notification as the provider does.' });
          }
          await providerPayments.receive(provider, request.params.operator, request.headers, request.body);
          const answer = implementation.acknowledge();
          return reply.status(answer.status).type(answer.contentType).send(answer.body);
        },
      );
    });
  }
};
