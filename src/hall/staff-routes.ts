/** Staff sign-in: login (sets the session cookie), logout, and who am I. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { errors } from '../http/schemas.js';
import { staffOf } from './hall-access.js';
import { LoginBody, MeResponse } from './hall-admin-schemas.js';
import type { HallAdminService } from './hall-admin-service.js';
import type { StaffAuthService } from './staff-auth-service.js';
import { clearStaffCookie, requireStaff, STAFF_COOKIE, staffCookieOptions } from './staff-guard.js';

const tags = ['staff'];

export interface StaffRoutesOptions {
  staffAuth: StaffAuthService;
  hallAdmin: HallAdminService;
  config: Pick<Config, 'publicUrl'>;
}

export const staffRoutes: FastifyPluginAsyncTypebox<StaffRoutesOptions> = async (app, services) => {
  const { staffAuth, hallAdmin, config } = services;

  app.post(
    '/v1/staff/login',
    {
      schema: {
        tags,
        summary: 'Staff login with username and password',
        description:
          `Sets the \`${STAFF_COOKIE}\` cookie (HttpOnly, SameSite=Strict, 12 h) and answers the staff member, their halls and the CSRF token to send in \`X-CSRF-Token\` on every state-changing staff request. ` +
          'A wrong username or password: `401 credentials_invalid`. After 5 failures for a username (or 30 from one IP) within 15 minutes: `429 too_many_attempts` with `details.retryAfter` until the window passes.',
        body: LoginBody,
        response: { 200: MeResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { staff, sessionToken, sessionTtlSeconds } = await staffAuth.login(request.body.username, request.body.password, request.ip);
      reply.header('Cache-Control', 'no-store');
      reply.setCookie(STAFF_COOKIE, sessionToken, staffCookieOptions(config.publicUrl, sessionTtlSeconds));
      return hallAdmin.me(staff);
    },
  );

  await app.register(async (signedIn) => {
    requireStaff(signedIn, staffAuth, config.publicUrl);

    signedIn.get(
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

    signedIn.post(
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
  });
};
