/**
 * The sandbox provider's webhook, which it calls as a real provider calls its notify URL:
 * the signature is over the raw body, so this scope parses JSON itself. Registered only
 * while the sandbox is on (SIMKEEP_SANDBOX_ENABLED, or the demo).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../http/schemas.js';
import type { PaymentService } from '../../payments/payment-service.js';
import { SIGNATURE_HEADER } from '../../payments/sandbox-signature.js';
import { DomainError } from '../../shared/errors.js';

export const SANDBOX_WEBHOOK = '/v1/payments/sandbox/webhook';

export interface SandboxRoutesOptions {
  payments: PaymentService;
}

export const sandboxRoutes: FastifyPluginAsyncTypebox<SandboxRoutesOptions> = async (app, services) => {
  const { payments } = services;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    SANDBOX_WEBHOOK,
    {
      schema: {
        tags: ['payments'],
        summary: 'Sandbox payment notification',
        description:
          'Body `{"id", "type": "payment.succeeded" | "payment.failed", "data": {"paymentId", "amount", "currency"}}`, header `Simkeep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Duplicate event ids answer success and change nothing.',
        headers: Type.Object({ 'simkeep-signature': Type.Optional(Type.String({ maxLength: 1024 })) }),
        body: Type.Unsafe<string>({ type: 'object', description: 'The event, signed as sent' }),
        response: { 200: Type.Object({ received: Type.Literal(true) }), ...errors(400, 404) },
      },
      // The raw string is what was signed: validate it in the service, not as parsed JSON here.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      if (typeof request.body !== 'string')
        throw new DomainError('invalid_request', { 'zh-CN': '请以 application/json 格式发送事件。', en: 'Send the event as application/json.' });
      await payments.receiveSandboxNotification(request.body, request.headers[SIGNATURE_HEADER]);
      return { received: true as const };
    },
  );
};
