/**
 * The signed-in subscriber's account (“My cards”): its cards, their reminder choices and
 * its orders. The subscriber group's guard (./guard.ts) has already found the account.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AccountCardsService } from '../../accounts/account-cards-service.js';
import { AddCardBody, CardId, ContactBody, MeResponse, MyCardResponse, MyOrdersResponse, OrdersQuery } from '../../accounts/account-schemas.js';
import { SESSION_COOKIE } from '../../accounts/credentials.js';
import { errors } from '../../http/schemas.js';
import { ContactResponse } from '../../reminders/contact-schemas.js';
import { requireAccount } from './guard.js';

const CSRF = 'Takes only `application/json` (415 otherwise); an `Origin` header, when sent, must be this server’s own origin, else `403 forbidden`.';
const SESSION = `Needs the \`${SESSION_COOKIE}\` cookie set by \`POST /v1/auth/verify\`: without it, or once the session ended, \`401 unauthorized\`.`;
const CardParams = Type.Object({ id: CardId });

export interface AccountRoutesOptions {
  accountCards: AccountCardsService;
}

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, services) => {
  const { accountCards } = services;

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
