/** The subscriber's reminder routes: renewal links, the calendar feed, contact preferences. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IccidProof, Msisdn } from '../../http/schemas.js';
import { ContactResponse, contactFields } from '../../reminders/contact-schemas.js';
import type { ContactService } from '../../reminders/contact-service.js';
import { CardProofBody } from '../../renewal/renewal-schemas.js';

const closed = { additionalProperties: false } as const;

// Tokens are checked by their signature, not by a pattern: whatever a link turns into on
// the way (a character lost or added) answers `link_invalid`, as the page expects.
const RenewalToken = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'The token of a renewal link: the part after `/renew/` in a reminder.',
  examples: ['card_01JDX5Q8ZK3M7N2P4R6T8V0W1Y.tg9xk0.0123456789abcdef0123456789abcdef'],
});
const CalendarToken = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'The token of a calendar feed URL, without `.ics`.',
  examples: ['card_01JDX5Q8ZK3M7N2P4R6T8V0W1Y.0123456789abcdef0123456789abcdef'],
});

const RenewalLinkResponse = Type.Object({
  msisdn: Type.String({ description: 'In full (E.164): the link went to this number or its subscriber.', examples: ['+8613800138000'] }),
  iccid: Type.String({ description: 'The last 6 digits of the SIM serial: with the number, the proof the renewal routes accept.', examples: ['901234'] }),
  operator: Type.String({ examples: ['demo'] }),
  operatorName: Type.String(),
  brandColor: Type.String({ examples: ['#0b5cad'] }),
  expiresAt: Type.String({ description: 'When the link stops opening the card', examples: ['2026-12-08T08:00:00+08:00'] }),
});
const ContactBody = Type.Object({ msisdn: Msisdn, iccid: IccidProof, ...contactFields }, closed);

export interface SubscriberReminderRoutesOptions {
  contacts: ContactService;
}

export const subscriberReminderRoutes: FastifyPluginAsyncTypebox<SubscriberReminderRoutesOptions> = async (app, services) => {
  const { contacts } = services;

  // Every answer here is about one subscriber's card, and the links are bearer tokens:
  // nothing is cached on the way, and no page opened from here learns the URL.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
  });

  app.get(
    '/v1/renewal-links/:token',
    {
      schema: {
        tags: ['reminders'],
        summary: 'Open the card a renewal link was sent for',
        description:
          'For the web page behind `/renew/<token>` in a reminder: it opens the card already filled in. ' +
          'The answer carries the full MSISDN and ICCID, unlike other public answers: the link was sent to the subscriber’s own number or address, and it expires. ' +
          'A bad or tampered token, or a card whose number has since been issued again, answers `404 link_invalid`; an expired one `410 link_expired`.',
        params: Type.Object({ token: RenewalToken }),
        response: { 200: RenewalLinkResponse, ...errors(400, 404, 410) },
      },
    },
    (request) => contacts.openRenewalLink(request.params.token),
  );

  app.post(
    '/v1/renewal-links/:token/opt-out',
    {
      schema: {
        tags: ['reminders'],
        summary: 'Stop reminders with one tap from a renewal link',
        description: 'Idempotent. The link must still be valid: an expired one answers `410 link_expired`, a bad one `404 link_invalid`.',
        params: Type.Object({ token: RenewalToken }),
        response: { 200: Type.Object({ optedOut: Type.Literal(true) }), ...errors(400, 404, 410) },
      },
    },
    (request) => contacts.optOutByLink(request.params.token),
  );

  app.get(
    '/v1/calendar/:token.ics',
    {
      schema: {
        tags: ['reminders'],
        summary: 'The card’s expiry as a calendar feed (iCalendar)',
        description:
          'One all-day event on the last valid day, with an alarm 7 days before, linking to the renewal page. The URL does not expire; a bad token answers `404 link_invalid`.',
        params: Type.Object({ token: CalendarToken }),
        produces: ['text/calendar'],
        response: { 200: Type.Unsafe<string>({ type: 'string', description: 'text/calendar (RFC 5545)' }), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const { ics, filename } = await contacts.calendarFeed(request.params.token);
      return reply.type('text/calendar; charset=utf-8').header('Content-Disposition', `inline; filename="${filename}"`).send(ics);
    },
  );

  app.post(
    '/v1/cards/calendar',
    {
      schema: {
        tags: ['reminders'],
        summary: 'The URL of the card’s calendar feed',
        description: 'For subscribing a calendar app to the card’s expiry. Needs the number and SIM serial, like a lookup.',
        body: CardProofBody,
        response: {
          200: Type.Object({ url: Type.String({ examples: ['https://renew.example.com/v1/calendar/card_01JDX….0123….ics'] }) }),
          ...errors(400, 404, 429),
        },
      },
    },
    (request) => contacts.calendarUrl(request.body, request.ip),
  );

  app.post(
    '/v1/cards/contact/lookup',
    {
      schema: {
        tags: ['reminders'],
        summary: 'How reminders reach the card’s subscriber',
        description: 'Needs the number and SIM serial, like a lookup. The email address is masked. A card never set up answers SMS in zh-CN.',
        body: CardProofBody,
        response: { 200: ContactResponse, ...errors(400, 404, 429) },
      },
    },
    (request) => contacts.contact(request.body, request.ip),
  );

  app.put(
    '/v1/cards/contact',
    {
      schema: {
        tags: ['reminders'],
        summary: 'Choose how reminders reach the card’s subscriber',
        description:
          'Needs the number and SIM serial, like a lookup. `channel: "email"` needs `email`; the address stored is the one sent (none when omitted). ' +
          '`locale` and `optedOut` keep their stored value when omitted. Answers the stored choice, the email address masked.',
        body: ContactBody,
        response: { 200: ContactResponse, ...errors(400, 404, 429) },
      },
    },
    (request) => contacts.updateContact(request.body, request.ip),
  );
};
