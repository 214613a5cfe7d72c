/**
 * Counter renewal, shifts, voids, invoices and statistics (staff session; X-CSRF-Token on
 * writes). The renewal requires an Idempotency-Key, scoped to the staff member.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../app.js';
import { errors, IdempotencyKeyHeader, Money } from '../http/schemas.js';
import { OrderResponse } from '../renewal/renewal-schemas.js';
import { DomainError } from '../shared/errors.js';
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
  ShiftParams,
  ShiftResponse,
  StatsQuery,
  StatsResponse,
  VoidResponse,
} from './counter-schemas.js';
import { CounterId, HallId } from './hall-admin-schemas.js';
import { SESSION_SECURITY } from './staff-guard.js';

const base = { tags: ['counter'], security: SESSION_SECURITY };
const pdf = {
  produces: ['application/pdf'],
  response: { 200: Type.Unsafe({ type: 'string', format: 'binary', description: 'PDF' }), ...errors(401, 403, 404) },
};

export const counterRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { counterRenewal, shifts, voids, invoices, hallStats, idempotency, receiptPdf } = services;

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
      if (!key) throw new DomainError('idempotency_key_required', 'POST /v1/console/renewals needs an Idempotency-Key header.');
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
      await invoices.counterOrder(request.actor, request.params.order);
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

  app.post(
    '/v1/console/shifts',
    {
      schema: {
        ...base,
        summary: 'Open my shift at a counter with a cash float',
        body: Type.Object({ counter: CounterId, float: Money }, { additionalProperties: false }),
        response: { 201: ShiftResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await shifts.open(request.actor, request.body.counter, request.body.float)),
  );

  app.get(
    '/v1/console/shifts/current',
    {
      schema: {
        ...base,
        summary: 'My open shift with its running tally',
        response: { 200: Type.Object({ shift: Type.Union([ShiftResponse, Type.Null()]) }), ...errors(401) },
      },
    },
    (request) => shifts.current(request.actor),
  );

  app.get(
    '/v1/console/shifts/:shift',
    {
      schema: {
        ...base,
        summary: 'A shift (its clerk, or a supervisor of the hall)',
        params: ShiftParams,
        response: { 200: ShiftResponse, ...errors(401, 403, 404) },
      },
    },
    (request) => shifts.get(request.actor, request.params.shift),
  );

  app.post(
    '/v1/console/shifts/:shift/close',
    {
      schema: {
        ...base,
        summary: 'Close my shift with the counted cash',
        description:
          'Expected = float + cash takings − change − voids; difference = counted − expected. No difference: `closed`; otherwise `pending_approval` until a supervisor (not the shift’s clerk) approves it.',
        params: ShiftParams,
        body: Type.Object({ counted: Money }, { additionalProperties: false }),
        response: { 200: ShiftResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => shifts.close(request.actor, request.params.shift, request.body.counted),
  );

  app.post(
    '/v1/console/shifts/:shift/approve',
    {
      schema: {
        ...base,
        summary: 'Approve a shift’s cash difference (a supervisor of the hall other than the shift’s clerk)',
        params: ShiftParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: ShiftResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => shifts.approve(request.actor, request.params.shift, request.body.note),
  );

  app.get(
    '/v1/console/halls/:hall/shifts',
    {
      schema: {
        ...base,
        summary: 'The hall’s shifts (supervisor), newest first',
        params: Type.Object({ hall: HallId }),
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('pending_approval'), Type.Literal('closed'), Type.Literal('approved')])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ shifts: Type.Array(ShiftResponse) }), ...errors(400, 401, 403, 404) },
      },
    },
    (request) => shifts.list(request.actor, request.params.hall, request.query.status),
  );

  app.post(
    '/v1/console/renewals/:order/void',
    {
      schema: {
        ...base,
        summary: 'Ask for a counter renewal to be voided (staff of the hall)',
        params: OrderParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: VoidResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => voids.requestVoid(request.actor, request.params.order, request.body.reason),
  );

  app.post(
    '/v1/console/renewals/:order/void/approve',
    {
      schema: {
        ...base,
        summary: 'Approve and carry out a void (a supervisor other than the requester)',
        description:
          'Within the renewal’s shift, while it is open: takes back the extension and the payment, and the order becomes `refunded` (webhook order.refunded). `409 void_refused` once a later renewal was fulfilled on the card, or the shift is closed.',
        params: OrderParams,
        response: { 200: VoidResponse, ...errors(401, 403, 404, 409) },
      },
    },
    (request) => voids.approveVoid(request.actor, request.params.order),
  );

  app.get(
    '/v1/console/halls/:hall/stats',
    {
      schema: {
        ...base,
        summary: 'Hall statistics (supervisor): tickets, no-shows, wait and service times (median, p90) per service, counter, clerk and day',
        params: Type.Object({ hall: HallId }),
        querystring: StatsQuery,
        response: { 200: StatsResponse, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => hallStats.stats(request.actor, request.params.hall, request.query.from, request.query.to),
  );
};
