/**
 * The subscriber's renewal routes: lookup, quote, order, order status, cancel, receipt PDF.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import type { Idempotency } from '../../guard/idempotency.js';
import type { ProbeGuard } from '../../guard/probe-guard.js';
import { errors, IdempotencyKeyHeader } from '../../http/schemas.js';
import type { ReceiptPdf } from '../../receipts/receipt-pdf-service.js';
import type { OrderService } from '../../renewal/order-service.js';
import type { PlanOffers } from '../../renewal/plan-offers.js';
import { CardProofBody, LookupResponse, OrderBody, OrderResponse, QuoteBody, QuoteResponse } from '../../renewal/renewal-schemas.js';
import type { RenewalService } from '../../renewal/renewal-service.js';
import { DomainError } from '../../shared/errors.js';

const OrderId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export interface RenewalRoutesOptions {
  renewal: RenewalService;
  planOffers: PlanOffers;
  orders: OrderService;
  idempotency: Idempotency;
  receiptPdf: ReceiptPdf;
  probes: ProbeGuard;
  config: Pick<Config, 'defaultOperator'>;
}

export const renewalRoutes: FastifyPluginAsyncTypebox<RenewalRoutesOptions> = async (app, services) => {
  const { renewal, orders, idempotency, receiptPdf } = services;
  const offers = services.planOffers;

  app.get(
    '/v1/storefront',
    {
      schema: {
        tags: ['renewal'],
        summary: "The deployment's operator and payment methods",
        description:
          'What the web app shows before a card is found: the default operator (SIMKEEP_DEFAULT_OPERATOR, or the first one created) and the payment methods offered.',
        response: {
          200: Type.Object({
            operator: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), brandColor: Type.String(), currency: Type.String() }), Type.Null()]),
            paymentMethods: Type.Array(Type.String()),
          }),
        },
      },
    },
    () => renewal.storefront(services.config.defaultOperator),
  );

  app.post(
    '/v1/cards/lookup',
    {
      schema: {
        tags: ['renewal'],
        summary: 'Find a card by its number and SIM serial',
        description:
          'Needs the MSISDN and the ICCID (or its last 6 digits). A wrong pair answers like an unknown number. Failed attempts are rate-limited per number and source, per source, and (for the last-6-digits proof only) per number: `429 too_many_attempts` with `Retry-After`. The whole serial still opens a number from a source that has not failed.',
        body: CardProofBody,
        response: { 200: LookupResponse, ...errors(400, 404, 429) },
      },
    },
    (request) => offers.lookup(request.body, request.ip),
  );

  app.post(
    '/v1/quotes',
    {
      schema: {
        tags: ['renewal'],
        summary: 'Price a renewal',
        description:
          'The whole breakdown: list price, each discount with its promotion, bonus period, total, and the validUntil that fulfilment would give now.',
        body: QuoteBody,
        response: { 200: QuoteResponse, ...errors(400, 404, 409, 422, 429) },
      },
    },
    (request) => offers.quote(request.body, request.ip),
  );

  app.post(
    '/v1/orders',
    {
      schema: {
        tags: ['renewal'],
        summary: 'Create a renewal order',
        description: 'Requires an Idempotency-Key: the same key and body within 24 h answers the first response again.',
        headers: IdempotencyKeyHeader,
        body: OrderBody,
        response: { 201: OrderResponse, ...errors(400, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (!key) {
        throw new DomainError('idempotency_key_required', {
          'zh-CN': 'POST /v1/orders 需要 Idempotency-Key 请求头（任意唯一的字符串，最长 255 个字符）。',
          en: 'POST /v1/orders needs an Idempotency-Key header (any unique string up to 255 characters).',
        });
      }
      const result = await idempotency.run('POST /v1/orders', key, request.body, (transact) => renewal.createOrder(request.body, request.ip, transact));
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      return reply.status(result.status as 201).send(result.body as never);
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      schema: { tags: ['renewal'], summary: 'An order and, once fulfilled, its receipt', params: OrderId, response: { 200: OrderResponse, ...errors(404) } },
    },
    (request) => orders.get(request.params.id),
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      schema: {
        tags: ['renewal'],
        summary: 'Cancel an unpaid order (releases its coupon)',
        params: OrderId,
        response: { 200: OrderResponse, ...errors(404, 409) },
      },
    },
    (request) => orders.cancel(request.params.id),
  );

  app.post(
    '/v1/orders/find',
    {
      schema: {
        tags: ['renewal'],
        summary: 'Find an order by its receipt number and the last 4 digits of the phone number',
        description: 'Failed attempts count against the anti-probing limits, like card lookups.',
        body: Type.Object(
          {
            receipt: Type.String({ minLength: 1, maxLength: 64, examples: ['DEMO-2026-000001'] }),
            last4: Type.String({ pattern: '^[0-9]{4}$', examples: ['8000'] }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.String() }), ...errors(400, 404, 429) },
      },
    },
    (request) => orders.findByReceipt(request.body.receipt, request.body.last4, request.ip, services.probes),
  );

  app.get(
    '/v1/orders/:id/calendar.ics',
    {
      schema: {
        tags: ['renewal'],
        summary: "The fulfilled order's new expiry as a calendar entry (iCalendar), with an alarm a week before",
        params: OrderId,
        produces: ['text/calendar'],
        response: { 200: Type.Unsafe({ type: 'string', description: 'iCalendar' }), ...errors(404) },
      },
    },
    async (request, reply) =>
      reply
        .type('text/calendar; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="renewal.ics"')
        .send(await orders.calendar(request.params.id)),
  );

  app.get(
    '/v1/orders/:id/receipt.pdf',
    {
      schema: {
        tags: ['renewal'],
        summary: 'The receipt of a fulfilled order, as PDF',
        params: OrderId,
        produces: ['application/pdf'],
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary', description: 'PDF' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const { pdf, number } = await receiptPdf(request.params.id);
      return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${number}.pdf"`).send(pdf);
    },
  );
};
