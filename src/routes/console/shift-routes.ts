/**
 * Cash shifts, voids, and what supervisors read (statistics, audit log): staff session,
 * X-CSRF-Token on writes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OrderParams, ShiftParams, ShiftResponse, StatsQuery, StatsResponse, VoidResponse } from '../../hall/counter-schemas.js';
import { CounterId, HallId } from '../../hall/hall-admin-schemas.js';
import type { HallStatsService } from '../../hall/shifts/hall-stats-service.js';
import type { ShiftService } from '../../hall/shifts/shift-service.js';
import type { VoidService } from '../../hall/shifts/void-service.js';
import { errors, Money } from '../../http/schemas.js';

const base = { tags: ['counter'] };

export interface ShiftRoutesOptions {
  shifts: ShiftService;
  voids: VoidService;
  hallStats: HallStatsService;
}

export const shiftRoutes: FastifyPluginAsyncTypebox<ShiftRoutesOptions> = async (app, services) => {
  const { shifts, voids, hallStats } = services;

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

  app.get(
    '/v1/console/halls/:hall/audit',
    {
      schema: {
        ...base,
        summary: 'The hall’s audit log (supervisor): who did what, when, from where; newest first',
        params: Type.Object({ hall: HallId }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            before: Type.Optional(Type.String({ pattern: '^aud_[A-Za-z0-9]+$', maxLength: 64, description: 'The id of the last entry of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            entries: Type.Array(
              Type.Object({
                id: Type.String(),
                at: Type.String(),
                actor: Type.String({ description: 'staff:<id>, admin:<token id> or anonymous' }),
                username: Type.Union([Type.String(), Type.Null()]),
                action: Type.String({ examples: ['ticket.call', 'counter.renewal', 'shift.approve'] }),
                subject: Type.Union([Type.String(), Type.Null()]),
                detail: Type.Unknown(),
                ip: Type.String(),
              }),
            ),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    (request) => hallStats.audit(request.actor, request.params.hall, request.query.limit, request.query.before),
  );
};
