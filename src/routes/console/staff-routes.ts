/** The signed-in staff member's own session: who am I (with the CSRF token), and logout. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { staffOf } from '../../hall/hall-access.js';
import { MeResponse } from '../../hall/hall-admin-schemas.js';
import type { HallAdminService } from '../../hall/hall-admin-service.js';
import type { StaffAuthService } from '../../hall/staff/staff-auth-service.js';
import { errors } from '../../http/schemas.js';
import { clearStaffCookie, STAFF_COOKIE } from './guard.js';

const tags = ['staff'];

export interface StaffRoutesOptions {
  staffAuth: StaffAuthService;
  hallAdmin: HallAdminService;
  config: Pick<Config, 'publicUrl'>;
}

export const staffRoutes: FastifyPluginAsyncTypebox<StaffRoutesOptions> = async (app, services) => {
  const { staffAuth, hallAdmin, config } = services;

  app.get(
    '/v1/staff/me',
    {
      schema: {
        tags,
        summary: 'The signed-in staff member, their halls and the CSRF token',
        response: { 200: MeResponse, ...errors(401) },
      },
    },
    (request) => hallAdmin.me(staffOf(request.actor)),
  );

  app.post(
    '/v1/staff/logout',
    {
      schema: {
        tags,
        summary: 'End the staff session',
        description: 'Needs `X-CSRF-Token`. Clears the cookie.',
        response: { 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      await staffAuth.logout(staffOf(request.actor), request.cookies[STAFF_COOKIE] ?? '', request.ip);
      clearStaffCookie(reply, config.publicUrl);
      return reply.status(204).send(null);
    },
  );
};
