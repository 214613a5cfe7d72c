/**
 * The subscriber account routes: sign in with a code sent by SMS (`/v1/auth/*`), then the
 * account's cards, orders and reminder choices (`/v1/me*`, behind the session cookie).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { errors } from '../http/schemas.js';
import { ContactResponse } from '../reminders/contact-schemas.js';
import type { AccountCardsService } from './account-cards-service.js';
import {
  AddCardBody,
  CardId,
  CodeRequestBody,
  CodeSentResponse,
  ContactBody,
  MeResponse,
  MyCardResponse,
  MyOrdersResponse,
  OrdersQuery,
  SignedInResponse,
  VerifyBody,
} from './account-schemas.js';
import { SESSION_COOKIE } from './credentials.js';
import { clearSessionCookie, forgeryGuard, requireAccount, sessionCookieOptions, sessionToken, unauthorized } from './session-guard.js';
import type { SignInService } from './sign-in-service.js';

const CSRF = 'Takes only `application/json` (415 otherwise); an `Origin` header, when sent, must be this server’s own origin, else `403 forbidden`.';
const SESSION = `Needs the \`${SESSION_COOKIE}\` cookie set by \`POST /v1/auth/verify\`: without it, or once the session ended, \`401 unauthorized\`.`;
const CardParams = Type.Object({ id: CardId });

export interface AccountRoutesOptions {
  signIn: SignInService;
  accountCards: AccountCardsService;
  config: Pick<Config, 'publicUrl'>;
}

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, services) => {
  await app.register(authRoutes, services);
  await app.register(meRoutes, services);
};

const authRoutes: FastifyPluginAsyncTypebox<Pick<AccountRoutesOptions, 'signIn' | 'config'>> = async (app, services) => {
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

const meRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, services) => {
  const { signIn, accountCards, config } = services;
  app.decorateRequest('account', null);
  app.addHook('onRequest', forgeryGuard(config.publicUrl));
  // Before the body is read: nothing of a request without a session is looked at.
  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return;
    const token = sessionToken(request);
    request.account = (await signIn.accountOfSession(token)) ?? null;
    if (request.account) return;
    if (token !== undefined) clearSessionCookie(reply, config.publicUrl);
    throw unauthorized();
  });

  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['account'],
        summary: 'The signed-in account and its cards (“My cards”)',
        description: `Each card with its status, expiry and reminder choice; the number in full for the account’s own card, masked for the others. ${SESSION}`,
        response: { 200: MeResponse, ...errors(401) },
      },
    },
    (request) => accountCards.me(requireAccount(request)),
  );

  app.post(
    '/v1/me/cards',
    {
      schema: {
        tags: ['account'],
        summary: 'Add a card to the account by proving it',
        description:
          'Needs the number and the SIM serial (ICCID, or its last 6 digits), like a lookup: a wrong pair answers `404 card_not_found` and counts against the anti-probing limits (`429 too_many_attempts`). ' +
          'Answers the card’s entry, as in `GET /v1/me`: `201` when added, `200` when the account already held it (nothing changes). ' +
          `${SESSION} ${CSRF}`,
        body: AddCardBody,
        response: { 200: MyCardResponse, 201: MyCardResponse, ...errors(400, 401, 403, 404, 415, 429) },
      },
    },
    async (request, reply) => {
      const { created, card } = await accountCards.addCard(requireAccount(request), request.body, request.ip);
      return reply.status(created ? 201 : 200).send(card);
    },
  );

  app.delete(
    '/v1/me/cards/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'Remove a card from the account',
        description:
          'Only the account’s own cards: any other id answers `404 card_not_found`. The card itself and its orders stay; the account’s own number’s card comes back at the next sign-in. ' +
          `Send no body. ${SESSION} ${CSRF}`,
        params: CardParams,
        response: { 204: Type.Null({ description: 'Removed' }), ...errors(400, 401, 403, 404, 415) },
      },
    },
    async (request, reply) => {
      await accountCards.removeCard(requireAccount(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v1/me/cards/:id/contact',
    {
      schema: {
        tags: ['account'],
        summary: 'Choose how reminders for one of the account’s cards reach the subscriber',
        description:
          '`channel: "email"` needs `email`; the address stored is the one sent (none when omitted). `locale` and `optedOut` keep their stored value when omitted. ' +
          'Answers the stored choice, the address masked. A card not in the account answers `404 card_not_found`. ' +
          `${SESSION} ${CSRF}`,
        params: CardParams,
        body: ContactBody,
        response: { 200: ContactResponse, ...errors(400, 401, 403, 404, 415) },
      },
    },
    (request) => accountCards.updateContact(requireAccount(request), request.params.id, request.body),
  );

  app.get(
    '/v1/me/orders',
    {
      schema: {
        tags: ['account'],
        summary: 'The orders of the account’s cards, newest first',
        description: `Each order as \`GET /v1/orders/{id}\` answers it, with \`receipt\` (number, PDF and verification links) once fulfilled. ${SESSION}`,
        querystring: OrdersQuery,
        response: { 200: MyOrdersResponse, ...errors(400, 401) },
      },
    },
    (request) => accountCards.orders(requireAccount(request), request.query.limit),
  );
};
