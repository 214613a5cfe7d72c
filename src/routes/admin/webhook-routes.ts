/**
 * Admin routes for operators' webhook endpoints, and replaying a delivery. Deliveries and
 * their log are listed with the other messages (`GET …/messages?kind=webhook`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { errors } from '../../http/schemas.js';
import type { WebhookAdmin } from '../../webhooks/webhook-admin.js';
import { EVENT_TYPES } from '../../webhooks/webhook-endpoints.js';

const closed = { additionalProperties: false } as const;
const EventName = Type.Enum(['*', ...EVENT_TYPES]);
const fields = {
  url: Type.String({ minLength: 1, maxLength: 2000, examples: ['https://crm.example.com/simkeep'] }),
  events: Type.Array(EventName, { minItems: 1, maxItems: 20, description: '`*` for every event.' }),
  description: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  active: Type.Boolean(),
};
const Endpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String(),
});
const CreatedEndpoint = Type.Intersect([Endpoint, Type.Object({ secret: Type.String({ description: 'Shown only now: sign-check deliveries with it.' }) })]);
const OperatorParams = Type.Object({ operator: OperatorCode });
const EndpointParams = Type.Object({ operator: OperatorCode, id: Type.String({ minLength: 1, maxLength: 64 }) });
const base = { tags: ['webhooks'] };

export interface WebhookRoutesOptions {
  webhookAdmin: WebhookAdmin;
}

export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, services) => {
  const { webhookAdmin: admin } = services;

  app.post(
    '/v1/admin/operators/:operator/webhooks',
    {
      schema: {
        ...base,
        summary: 'Register a webhook endpoint',
        description:
          'Each delivery is a POST of `{id, type, createdAt, operator, data}` with `Simkeep-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` made with the secret answered here (once), plus `Simkeep-Event`, `Simkeep-Event-Id` and `Simkeep-Delivery`. A 2xx acknowledges; other answers are retried with backoff, then dead-lettered. Events: ' +
          EVENT_TYPES.join(', '),
        params: OperatorParams,
        body: Type.Object(
          { url: fields.url, events: Type.Optional(fields.events), description: Type.Optional(fields.description), active: Type.Optional(fields.active) },
          closed,
        ),
        response: { 201: CreatedEndpoint, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await admin.create(request.principal, request.params.operator, request.body)),
  );

  app.get(
    '/v1/admin/operators/:operator/webhooks',
    {
      schema: {
        ...base,
        summary: 'The webhook endpoints (never their secrets)',
        params: OperatorParams,
        response: { 200: Type.Array(Endpoint), ...errors(401, 403, 404) },
      },
    },
    (request) => admin.list(request.principal, request.params.operator),
  );

  app.patch(
    '/v1/admin/operators/:operator/webhooks/:id',
    {
      schema: {
        ...base,
        summary: 'Change or switch off a webhook endpoint',
        params: EndpointParams,
        body: Type.Object(
          {
            url: Type.Optional(fields.url),
            events: Type.Optional(fields.events),
            description: Type.Optional(fields.description),
            active: Type.Optional(fields.active),
          },
          closed,
        ),
        response: { 200: Endpoint, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => admin.update(request.principal, request.params.operator, request.params.id, request.body),
  );

  app.post(
    '/v1/admin/operators/:operator/messages/:id/replay',
    {
      schema: {
        ...base,
        summary: 'Deliver a webhook event again',
        description: 'Queues a new delivery of the same event (same `id`, fresh signature) to the same endpoint, whatever became of the first.',
        params: Type.Object({ operator: OperatorCode, id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 202: Type.Object({ id: Type.String(), status: Type.Literal('pending') }), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(202).send(await admin.replay(request.principal, request.params.operator, request.params.id)),
  );
};
