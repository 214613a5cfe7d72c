/**
 * Admin routes of the service hall: halls, services, counters and staff. They take the
 * admin bearer token, or the session of an operator admin (with its CSRF token).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { CounterBody, HallBody, HallId, HallResponse, ServiceBody, StaffBody, StaffId, StaffPatchBody, StaffResponse } from '../../hall/hall-admin-schemas.js';
import type { HallAdminService } from '../../hall/hall-admin-service.js';
import { errors } from '../../http/schemas.js';

const base = {
  tags: ['hall admin'],
  description: 'An admin bearer token of the operator, or an operator admin’s staff session (with X-CSRF-Token on writes). Audited.',
};
const OperatorParams = Type.Object({ operator: OperatorCode });
const HallParams = Type.Object({ hall: HallId });

export interface HallAdminRoutesOptions {
  hallAdmin: HallAdminService;
}

export const hallAdminRoutes: FastifyPluginAsyncTypebox<HallAdminRoutesOptions> = async (app, services) => {
  const { hallAdmin } = services;

  app.post(
    '/v1/admin/operators/:operator/halls',
    {
      schema: {
        ...base,
        summary: 'Create a service hall',
        params: OperatorParams,
        body: HallBody,
        response: { 201: HallResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await hallAdmin.createHall(request.actor, request.params.operator, request.body)),
  );

  app.get(
    '/v1/admin/operators/:operator/halls',
    {
      schema: {
        ...base,
        summary: "The operator's halls with their services and counters",
        params: OperatorParams,
        response: { 200: Type.Object({ halls: Type.Array(HallResponse) }), ...errors(401, 403, 404) },
      },
    },
    (request) => hallAdmin.halls(request.actor, request.params.operator),
  );

  app.get(
    '/v1/admin/halls/:hall',
    { schema: { ...base, summary: 'A hall with its services and counters', params: HallParams, response: { 200: HallResponse, ...errors(401, 403, 404) } } },
    (request) => hallAdmin.hall(request.actor, request.params.hall),
  );

  app.post(
    '/v1/admin/halls/:hall/services',
    {
      schema: {
        ...base,
        summary: 'Add a service (renewal, new SIM, enquiries…) with its ticket prefix',
        params: HallParams,
        body: ServiceBody,
        response: { 201: HallResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await hallAdmin.createService(request.actor, request.params.hall, request.body)),
  );

  app.post(
    '/v1/admin/halls/:hall/counters',
    {
      schema: {
        ...base,
        summary: 'Add a counter and the services it serves (it starts closed)',
        params: HallParams,
        body: CounterBody,
        response: { 201: HallResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await hallAdmin.createCounter(request.actor, request.params.hall, request.body)),
  );

  app.post(
    '/v1/admin/operators/:operator/staff',
    {
      schema: {
        ...base,
        summary: 'Create a staff account (clerk, supervisor of one hall, or operator admin)',
        params: OperatorParams,
        body: StaffBody,
        response: { 201: StaffResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await hallAdmin.createStaff(request.actor, request.params.operator, request.body)),
  );

  app.patch(
    '/v1/admin/staff/:id',
    {
      schema: {
        ...base,
        summary: 'Disable, enable or reset the password of a staff account (ends its sessions)',
        params: Type.Object({ id: StaffId }),
        body: StaffPatchBody,
        response: { 200: StaffResponse, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => hallAdmin.updateStaff(request.actor, request.params.id, request.body),
  );
};
