/** Admin routes for orders: the paged list and recording a refund. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { errors } from '../../http/schemas.js';
import type { OrderService } from '../../renewal/order-service.js';
import { OrderResponse } from '../../renewal/renewal-schemas.js';

const base = { tags: ['admin'] };
const Status = Type.Enum(['pending_payment', 'fulfilled', 'expired', 'cancelled', 'refund_pending', 'refunded']);
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant' });

export interface AdminOrderRoutesOptions {
  orders: OrderService;
}

export const adminOrderRoutes: FastifyPluginAsyncTypebox<AdminOrderRoutesOptions> = async (app, services) => {
  const { orders } = services;

  app.get(
    '/v1/admin/orders',
    {
      schema: {
        ...base,
        summary: 'Orders, newest first (paged)',
        querystring: Type.Object(
          {
            operator: Type.Optional(OperatorCode),
            status: Type.Optional(Status),
            from: Type.Optional(Instant),
            to: Type.Optional(Instant),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ orders: Type.Array(Type.Object({}, { additionalProperties: true })), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    (request) => {
      const q = request.query;
      return orders.list(request.principal, {
        ...q,
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
      });
    },
  );

  app.post(
    '/v1/admin/orders/:id/refund',
    {
      schema: {
        ...base,
        summary: 'Record a refund made outside simkeep',
        description:
          'For a refund_pending or fulfilled order. A fulfilled order’s extension is taken back only if no later renewal was fulfilled on the card; otherwise 409 order_not_pending.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: OrderResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => orders.refund(request.principal, request.params.id, request.body.reason),
  );
};
