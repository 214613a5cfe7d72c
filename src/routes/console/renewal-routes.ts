/**
 * Counter renewal, its receipt and invoice (staff session; X-CSRF-Token on writes). The
 * renewal requires an Idempotency-Key, scoped to the staff member.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Idempotency } from '../../guard/idempotency.js';
import type { CounterRenewalService } from '../../hall/counter/counter-renewal-service.js';
import type { InvoiceService } from '../../hall/counter/invoice-service.js';
import {
  CardQueryBody,
  CounterCardResponse,
  CounterQuoteBody,
  CounterQuoteResponse,
  CounterRenewalBody,
  CounterRenewalResponse,
  InvoiceBody,
  InvoiceResponse,
  OrderParams,
} from '../../hall/counter-schemas.js';
import { errors, IdempotencyKeyHeader } from '../../http/schemas.js';
import type { ReceiptPdf } from '../../receipts/receipt-pdf-service.js';
import { OrderResponse } from '../../renewal/renewal-schemas.js';
import { DomainError } from '../../shared/errors.js';

const base = { tags: ['counter'] };
const pdf = {
  produces: ['application/pdf'],
  response: { 200: Type.Unsafe({ type: 'string', format: 'binary', description: 'PDF' }), ...errors(401, 403, 404) },
};

export interface CounterRoutesOptions {
  counterRenewal: CounterRenewalService;
  invoices: InvoiceService;
  idempotency: Idempotency;
  receiptPdf: ReceiptPdf;
}

export const counterRoutes: FastifyPluginAsyncTypebox<CounterRoutesOptions> = async (app, services) => {
  const { counterRenewal, invoices, idempotency, receiptPdf } = services;

  app.post(
    '/v1/console/cards/find',
    {
      schema: {
        ...base,
        summary: 'Find a card of the operator: number + SIM serial (or its last 6), or the whole serial alone (barcode)',
        body: CardQueryBody,
        response: { 200: CounterCardResponse, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => counterRenewal.find(request.actor, request.body),
  );

  app.post(
    '/v1/console/quotes',
    {
      schema: {
        ...base,
        summary: 'Price a counter renewal (plans, promotions and coupons of the counter channel)',
        body: CounterQuoteBody,
        response: { 200: CounterQuoteResponse, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    (request) => counterRenewal.quote(request.actor, request.body),
  );

  app.post(
    '/v1/console/renewals',
    {
      schema: {
        ...base,
        summary: 'Renew at the counter: ID check, payment (cash with change, or bank card with POS reference) and fulfilment in one transaction',
        description:
          'Requires an Idempotency-Key (scoped to the staff member): a double click or a retry answers the first response again and never renews twice. Needs the clerk’s open shift. ' +
          'Cash: `tendered` below the total is `422 cash_insufficient`. The receipt PDF is at `receiptPdfUrl`; GET /v1/console/orders/{order} gives the order with its receipt number.',
        headers: IdempotencyKeyHeader,
        body: CounterRenewalBody,
        response: { 201: CounterRenewalResponse, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (!key) {
        throw new DomainError('idempotency_key_required', {
          'zh-CN': 'POST /v1/console/renewals 需要 Idempotency-Key 请求头。',
          en: 'POST /v1/console/renewals needs an Idempotency-Key header.',
        });
      }
      const staffId = request.actor.kind === 'staff' ? request.actor.staff.id : '';
      const result = await idempotency.run(`POST /v1/console/renewals staff:${staffId}`, key, request.body, (transact) =>
        counterRenewal.renew(request.actor, request.body, transact),
      );
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      return reply.status(result.status as 201).send(result.body as never);
    },
  );

  app.get(
    '/v1/console/orders/:order',
    {
      schema: {
        ...base,
        summary: 'A counter renewal’s order, with its receipt number and verification link',
        params: OrderParams,
        response: { 200: OrderResponse, ...errors(401, 403, 404) },
      },
    },
    (request) => invoices.order(request.actor, request.params.order),
  );

  app.get(
    '/v1/console/orders/:order/receipt.pdf',
    { schema: { ...base, summary: 'The receipt to print at the counter (PDF)', params: OrderParams, ...pdf } },
    async (request, reply) => {
      // Reading the order numbers its receipt if the numbering after its commit has not run yet.
      await invoices.order(request.actor, request.params.order);
      const { pdf: bytes, number } = await receiptPdf(request.params.order);
      return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${number}.pdf"`).send(bytes);
    },
  );

  app.post(
    '/v1/console/orders/:order/invoice',
    {
      schema: {
        ...base,
        summary: 'Request an invoice (title, tax id, email): recorded for the operator’s e-invoice provider, with a PDF document',
        params: OrderParams,
        body: InvoiceBody,
        response: { 201: InvoiceResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await invoices.request(request.actor, request.params.order, request.body)),
  );

  app.get(
    '/v1/console/invoices/:invoice/invoice.pdf',
    {
      schema: {
        ...base,
        summary: 'The invoice document (PDF)',
        params: Type.Object({ invoice: Type.String({ minLength: 1, maxLength: 64, pattern: '^inv_[A-Za-z0-9]+$' }) }),
        ...pdf,
      },
    },
    async (request, reply) => reply.type('application/pdf').send(await invoices.pdf(request.actor, request.params.invoice)),
  );
};
