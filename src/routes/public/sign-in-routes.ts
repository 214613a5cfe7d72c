/**
 * Signing in to a subscriber account, open to anyone: a code sent by SMS (`/v1/auth/code`),
 * the session it opens (`/v1/auth/verify`) and signing out. What the session then reaches
 * is in routes/subscriber/.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CodeRequestBody, CodeSentResponse, SignedInResponse, VerifyBody } from '../../accounts/account-schemas.js';
import { SESSION_COOKIE } from '../../accounts/credentials.js';
import type { SignInService } from '../../accounts/sign-in-service.js';
import type { Config } from '../../config.js';
import { errors } from '../../http/schemas.js';
import { clearSessionCookie, forgeryGuard, sessionCookieOptions, sessionToken } from '../subscriber/guard.js';

const CSRF = 'Takes only `application/json` (415 otherwise); an `Origin` header, when sent, must be this server’s own origin, else `403 forbidden`.';

export interface SignInRoutesOptions {
  signIn: SignInService;
  config: Pick<Config, 'publicUrl'>;
}

export const signInRoutes: FastifyPluginAsyncTypebox<SignInRoutesOptions> = async (app, services) => {
  const { signIn, config } = services;
  app.addHook('onRequest', forgeryGuard(config.publicUrl));

  app.post(
    '/v1/auth/code',
    {
      schema: {
        tags: ['account'],
        summary: 'Send a sign-in code by SMS',
        description:
          'Sends a 6-digit code to the number, valid 5 minutes; a new code replaces the previous one. ' +
          'Answers `202` the same whether or not any card has the number. ' +
          'At most 1 code per number per minute and 5 per hour, and 20 per client IP per hour; past that, or while the number is locked after 5 wrong codes, ' +
          '`429 too_many_attempts` with `details.retryAfter` (seconds) and a `Retry-After` header. ' +
          `In the demo the SMS is written to \`<SIMKEEP_DATA_DIR>/outbox/sms.jsonl\`. ${CSRF}`,
        body: CodeRequestBody,
        response: { 202: CodeSentResponse, ...errors(400, 403, 415, 429) },
      },
    },
    async (request, reply) => reply.status(202).send(await signIn.requestCode(request.body.msisdn, request.ip, request.log)),
  );

  app.post(
    '/v1/auth/verify',
    {
      schema: {
        tags: ['account'],
        summary: 'Sign in with the code',
        description:
          `On success sets the \`${SESSION_COOKIE}\` cookie (HttpOnly, SameSite=Lax, Path=/, Secure when served over https, 30 days) and answers the account; ` +
          'the account is created on the number’s first sign-in, and the number’s own card is added to it. A code works once. ' +
          'A wrong code: `401 code_invalid` with `details.triesLeft`; no code, or an expired or used one: `401 code_expired`. ' +
          'The 5th wrong code locks the number for 15 minutes: `429 too_many_attempts` with `details.retryAfter`, even for the right code, until the lock ends. ' +
          CSRF,
        body: VerifyBody,
        response: { 200: SignedInResponse, ...errors(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const { account, sessionToken, sessionTtlSeconds } = await signIn.verify(request.body);
      reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookieOptions(config.publicUrl, sessionTtlSeconds));
      return { account };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        tags: ['account'],
        summary: 'Sign out',
        description: `Ends the session of the cookie and clears it; \`204\` also without a session. Send no body. ${CSRF}`,
        response: { 204: Type.Null({ description: 'Signed out' }), ...errors(403, 415) },
      },
    },
    async (request, reply) => {
      await signIn.signOut(sessionToken(request));
      clearSessionCookie(reply, config.publicUrl);
      return reply.status(204).send(null);
    },
  );
};
