/** Admin routes for an operator's payment providers: read (secrets as `***`) and save. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { errors } from '../../http/schemas.js';
import { AlipaySettings } from '../../payments/alipay.js';
import { PROVIDERS, type ProviderName } from '../../payments/provider.js';
import type { ProviderPayments } from '../../payments/provider-payments.js';
import { UnionpaySettings } from '../../payments/unionpay.js';
import { WechatpaySettings } from '../../payments/wechatpay.js';

const Provider = Type.Enum([...PROVIDERS], { description: 'alipay, wechatpay or unionpay' });
const Params = Type.Object({ operator: OperatorCode, provider: Provider });
const ProviderView = Type.Object({
  provider: Type.String(),
  enabled: Type.Boolean({ description: "Offered to the operator's subscribers (storefront, card lookup, orders)." }),
  configured: Type.Boolean(),
  settings: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'Secrets are answered as `***`.' }),
  notifyUrl: Type.String({
    description:
      "The notification URL to give the provider (Alipay's notify_url, WeChat Pay's notify_url, UnionPay's backUrl) — simkeep sends it with each payment.",
  }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
const Change = Type.Object(
  {
    enabled: Type.Boolean(),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description: "The provider's settings (schemas below). A secret sent as `***` keeps the stored one.",
      examples: [{ appId: '2021000000000000', privateKey: '***', alipayPublicKey: '-----BEGIN PUBLIC KEY-----…' }],
    }),
  },
  { additionalProperties: false },
);
const base = { tags: ['payments'] };

/** `appId, privateKey (secret), sellerId?` — the fields of a settings schema, for the description. */
function fieldsOf(settings: TSchema): string {
  const schema = settings as unknown as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(schema.properties)
    .map(([name, field]) => `\`${name}\`${schema.required?.includes(name) ? '' : '?'}${field.description?.includes('Secret') ? ' (secret)' : ''}`)
    .join(', ');
}

export interface ProviderAdminRoutesOptions {
  providerPayments: ProviderPayments;
}

export const providerAdminRoutes: FastifyPluginAsyncTypebox<ProviderAdminRoutesOptions> = async (app, services) => {
  const { providerPayments } = services;

  app.get(
    '/v1/admin/operators/:operator/payment-providers',
    {
      schema: {
        ...base,
        summary: "The operator's payment providers",
        params: Type.Object({ operator: OperatorCode }),
        response: { 200: Type.Array(ProviderView), ...errors(401, 403, 404) },
      },
    },
    (request) => providerPayments.adminList(request.principal, request.params.operator),
  );

  app.get(
    '/v1/admin/operators/:operator/payment-providers/:provider',
    {
      schema: { ...base, summary: 'One payment provider of the operator', params: Params, response: { 200: ProviderView, ...errors(400, 401, 403, 404) } },
    },
    (request) => providerPayments.adminView(request.principal, request.params.operator, request.params.provider as ProviderName),
  );

  app.put(
    '/v1/admin/operators/:operator/payment-providers/:provider',
    {
      schema: {
        ...base,
        summary: 'Configure and switch on or off a payment provider of the operator',
        description: [
          'Checked when saved: the shape (`400 invalid_request`), then keys, certificates and the currency (`422 payment_provider_invalid`, `details.fields` names the field).',
          `alipay: ${fieldsOf(AlipaySettings)}`,
          `wechatpay: ${fieldsOf(WechatpaySettings)}`,
          `unionpay: ${fieldsOf(UnionpaySettings)}`,
          'Each field is described in the README (Payment providers).',
        ].join('\n\n'),
        params: Params,
        body: Change,
        response: { 200: ProviderView, ...errors(400, 401, 403, 404, 422) },
      },
    },
    (request) => providerPayments.adminSave(request.principal, request.params.operator, request.params.provider as ProviderName, request.body),
  );
};
