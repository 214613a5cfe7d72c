/** Admin routes for the catalog: operators, plans, promotions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Operator,
  OperatorBody,
  OperatorCode,
  OperatorPatch,
  Plan,
  PlanBody,
  PlanPatch,
  Promotion,
  PromotionBody,
  PromotionPatch,
} from '../../catalog/catalog-schemas.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { operatorView, planView, promotionView } from '../../catalog/model.js';
import { errors } from '../../http/schemas.js';

const OperatorParams = Type.Object({ operator: OperatorCode });
const PlanParams = Type.Object({ operator: OperatorCode, code: Type.String({ minLength: 1, maxLength: 64 }) });
const PromotionParams = Type.Object({ operator: OperatorCode, id: Type.String({ minLength: 1, maxLength: 64 }) });
const base = { tags: ['admin'] };

export interface CatalogRoutesOptions {
  catalogService: CatalogService;
}

export const catalogRoutes: FastifyPluginAsyncTypebox<CatalogRoutesOptions> = async (app, services) => {
  const { catalogService: catalog } = services;

  app.post(
    '/v1/admin/operators',
    {
      schema: { ...base, summary: 'Create an operator', body: OperatorBody, response: { 201: Operator, ...errors(400, 401, 403, 409) } },
    },
    async (request, reply) => reply.status(201).send(operatorView(await catalog.createOperator(request.principal, request.body))),
  );

  app.get(
    '/v1/admin/operators/:operator',
    {
      schema: { ...base, summary: 'An operator', params: OperatorParams, response: { 200: Operator, ...errors(401, 403, 404) } },
    },
    async (request) => operatorView(await catalog.operatorFor(request.principal, request.params.operator)),
  );

  app.patch(
    '/v1/admin/operators/:operator',
    {
      schema: {
        ...base,
        summary: 'Change an operator',
        params: OperatorParams,
        body: OperatorPatch,
        response: { 200: Operator, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => operatorView(await catalog.updateOperator(request.principal, request.params.operator, request.body)),
  );

  app.post(
    '/v1/admin/operators/:operator/plans',
    {
      schema: {
        ...base,
        summary: 'Create a plan',
        description: 'A period of N `months` or N `days`; `name` is a string or `{"zh-CN", "en"}`.',
        params: OperatorParams,
        body: PlanBody,
        response: { 201: Plan, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { operator, plan } = await catalog.createPlan(request.principal, request.params.operator, request.body);
      return reply.status(201).send(planView(plan, operator.currency));
    },
  );

  app.get(
    '/v1/admin/operators/:operator/plans',
    {
      schema: {
        ...base,
        summary: "The operator's plans",
        params: OperatorParams,
        response: { 200: Type.Object({ plans: Type.Array(Plan) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { operator, plans } = await catalog.listPlans(request.principal, request.params.operator);
      return { plans: plans.map((p) => planView(p, operator.currency)) };
    },
  );

  app.get(
    '/v1/admin/operators/:operator/plans/:code',
    {
      schema: { ...base, summary: 'A plan', params: PlanParams, response: { 200: Plan, ...errors(401, 403, 404) } },
    },
    async (request) => {
      const { operator, plan } = await catalog.getPlan(request.principal, request.params.operator, request.params.code);
      return planView(plan, operator.currency);
    },
  );

  app.patch(
    '/v1/admin/operators/:operator/plans/:code',
    {
      schema: { ...base, summary: 'Change a plan', params: PlanParams, body: PlanPatch, response: { 200: Plan, ...errors(400, 401, 403, 404) } },
    },
    async (request) => {
      const { operator, plan } = await catalog.updatePlan(request.principal, request.params.operator, request.params.code, request.body);
      return planView(plan, operator.currency);
    },
  );

  app.post(
    '/v1/admin/operators/:operator/promotions',
    {
      schema: {
        ...base,
        summary: 'Create a promotion',
        description: 'Automatic (no code) or a coupon (a code, case-insensitive). Kinds: percent (1–100), amount (minor units), bonus (months or days).',
        params: OperatorParams,
        body: PromotionBody,
        response: { 201: Promotion, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { promotion, redemptions } = await catalog.createPromotion(request.principal, request.params.operator, request.body);
      return reply.status(201).send({ ...promotionView(promotion), redemptions });
    },
  );

  app.get(
    '/v1/admin/operators/:operator/promotions',
    {
      schema: {
        ...base,
        summary: "The operator's promotions",
        params: OperatorParams,
        response: { 200: Type.Object({ promotions: Type.Array(Promotion) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { promotions } = await catalog.listPromotions(request.principal, request.params.operator);
      return { promotions: promotions.map(({ promotion, redemptions }) => ({ ...promotionView(promotion), redemptions })) };
    },
  );

  app.get(
    '/v1/admin/operators/:operator/promotions/:id',
    {
      schema: { ...base, summary: 'A promotion', params: PromotionParams, response: { 200: Promotion, ...errors(401, 403, 404) } },
    },
    async (request) => {
      const { promotion, redemptions } = await catalog.getPromotion(request.principal, request.params.operator, request.params.id);
      return { ...promotionView(promotion), redemptions };
    },
  );

  app.patch(
    '/v1/admin/operators/:operator/promotions/:id',
    {
      schema: {
        ...base,
        summary: 'Change a promotion',
        params: PromotionParams,
        body: PromotionPatch,
        response: { 200: Promotion, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { promotion, redemptions } = await catalog.updatePromotion(request.principal, request.params.operator, request.params.id, request.body);
      return { ...promotionView(promotion), redemptions };
    },
  );
};
