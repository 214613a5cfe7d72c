/** Admin routes for cards: register, look up with orders, block, unblock, swap the SIM. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CardService } from '../../cards/card-service.js';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { errors, LocalDate, Msisdn } from '../../http/schemas.js';

const base = { tags: ['admin'] };
const Iccid = Type.String({ pattern: '^89[0-9]{17,18}$', description: 'ICCID: 19–20 digits starting 89, Luhn check digit last' });
const MsisdnParams = Type.Object({ msisdn: Msisdn });
const Card = Type.Object(
  {
    operator: Type.String(),
    msisdn: Type.String(),
    iccid: Type.String(),
    status: Type.String(),
    validUntil: Type.String(),
    anchorDay: Type.Integer(),
    daysLeft: Type.Integer(),
    blocked: Type.Boolean(),
    blockReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  },
  { additionalProperties: true },
);
const CardWithOrders = Type.Intersect([Card, Type.Object({ orders: Type.Array(Type.Object({}, { additionalProperties: true })) })]);

export interface CardRoutesOptions {
  cards: CardService;
}

export const cardRoutes: FastifyPluginAsyncTypebox<CardRoutesOptions> = async (app, services) => {
  const { cards } = services;

  app.post(
    '/v1/admin/operators/:operator/cards',
    {
      schema: {
        ...base,
        summary: 'Register a card',
        params: Type.Object({ operator: OperatorCode }),
        body: Type.Object({ msisdn: Msisdn, iccid: Iccid, validUntil: LocalDate }, { additionalProperties: false }),
        response: { 201: Card, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await cards.create(request.principal, request.params.operator, request.body)),
  );

  app.get(
    '/v1/admin/cards/:msisdn',
    {
      schema: { ...base, summary: 'A card, its status and its orders', params: MsisdnParams, response: { 200: CardWithOrders, ...errors(400, 401, 403, 404) } },
    },
    (request) => cards.get(request.principal, request.params.msisdn),
  );

  app.post(
    '/v1/admin/cards/:msisdn/block',
    {
      schema: {
        ...base,
        summary: 'Block a card (lost, stolen, fraud)',
        params: MsisdnParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: Card, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => cards.block(request.principal, request.params.msisdn, request.body.reason),
  );

  app.post(
    '/v1/admin/cards/:msisdn/unblock',
    {
      schema: { ...base, summary: 'Unblock a card', params: MsisdnParams, response: { 200: Card, ...errors(400, 401, 403, 404, 409) } },
    },
    (request) => cards.unblock(request.principal, request.params.msisdn),
  );

  app.post(
    '/v1/admin/cards/:msisdn/replace-sim',
    {
      schema: {
        ...base,
        summary: 'SIM swap: a new ICCID, same number and history',
        params: MsisdnParams,
        body: Type.Object({ iccid: Iccid }, { additionalProperties: false }),
        response: { 200: Card, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => cards.replaceSim(request.principal, request.params.msisdn, request.body.iccid),
  );
};
