/** Staff login, open to anyone: username and password in, the staff session cookie out. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import { LoginBody, MeResponse } from '../../hall/hall-admin-schemas.js';
import type { HallAdminService } from '../../hall/hall-admin-service.js';
import type { StaffAuthService } from '../../hall/staff/staff-auth-service.js';
import { errors } from '../../http/schemas.js';
import { STAFF_COOKIE, staffCookieOptions } from '../console/guard.js';

const tags = ['staff'];

export interface StaffLoginRoutesOptions {
  staffAuth: StaffAuthService;
  hallAdmin: HallAdminService;
  config: Pick<Config, 'publicUrl'>;
}

export const staffLoginRoutes: FastifyPluginAsyncTypebox<StaffLoginRoutesOptions> = async (app, services) => {
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
};
