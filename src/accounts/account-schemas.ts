/**
 * Request and response schemas of the subscriber account routes (`/v1/auth/*`, `/v1/me*`):
 * they validate requests and are the OpenAPI text the web app is written against.
 */
import { Type } from 'typebox';
import { IccidProof, LocalDate, Msisdn } from '../http/schemas.js';
import { ContactResponse, contactFields } from '../reminders/contact-schemas.js';

import { OrderResponse } from '../renewal/renewal-schemas.js';
import { ORDERS_DEFAULT_LIMIT, ORDERS_MAX_LIMIT } from './account-cards-service.js';
import { CODE_TTL_SECONDS } from './sign-in-rules.js';

const closed = { additionalProperties: false } as const;

export const CodeRequestBody = Type.Object({ msisdn: Msisdn }, closed);

export const CodeSentResponse = Type.Object(
  {
    sent: Type.Literal(true),
    expiresIn: Type.Integer({ description: 'Seconds the code stays valid', examples: [CODE_TTL_SECONDS] }),
  },
  { description: 'A code was sent, or would have been: the answer is the same whether or not a card has the number.' },
);

export const VerifyBody = Type.Object(
  {
    msisdn: Msisdn,
    code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6 digits of the SMS', examples: ['123456'] }),
  },
  closed,
);

export const SignedInResponse = Type.Object({
  account: Type.Object({
    msisdn: Type.String({ description: 'The account’s own number, in full (E.164)', examples: ['+8613800138000'] }),
    cards: Type.Integer({ minimum: 0, description: 'How many cards the account holds', examples: [1] }),
  }),
});

export const CardId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The `id` of an entry of `GET /v1/me`',
  examples: ['card_01JDX5Q8ZK3M7N2P4R6T8V0W1Y'],
});

export const ContactBody = Type.Object(contactFields, closed);

export const MyCardResponse = Type.Object({
  id: CardId,
  msisdn: Type.String({
    description: 'In full (E.164): the account proved each of its cards, and renews them with this number and `iccidLast6`',
    examples: ['+8613800138000'],
  }),
  operator: Type.String({ examples: ['demo'] }),
  operatorName: Type.String({ examples: ['Demo Mobile'] }),
  brandColor: Type.String({ examples: ['#0b5cad'] }),
  status: Type.Enum(['active', 'grace', 'suspended', 'recycled', 'blocked']),
  validUntil: LocalDate,
  daysLeft: Type.Integer({ description: '0 on the last valid day, negative once expired' }),
  expiringSoon: Type.Boolean({ description: 'Active with 7 days or fewer left' }),
  renewable: Type.Boolean(),
  iccidLast6: Type.String({ pattern: '^[0-9]{6}$', description: 'The last 6 digits of the SIM serial', examples: ['901234'] }),
  contact: ContactResponse,
});

export const MeResponse = Type.Object({
  msisdn: Type.String({ description: 'The account’s own number, in full (E.164)', examples: ['+8613800138000'] }),
  cards: Type.Array(MyCardResponse, { description: 'The account’s own number first, then in the order they were added' }),
});

export const AddCardBody = Type.Object({ msisdn: Msisdn, iccid: IccidProof }, closed);

export const OrdersQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: ORDERS_MAX_LIMIT, default: ORDERS_DEFAULT_LIMIT, description: 'How many orders, newest first', examples: [20] }),
    ),
  },
  closed,
);

export const MyOrdersResponse = Type.Object({
  orders: Type.Array(OrderResponse, { description: 'Newest first; each as `GET /v1/orders/{id}` answers it, with its receipt once fulfilled' }),
});
