/**
 * Request and response schemas of the subscriber's renewal routes (the contract of
 * `api-v1.md`, and the OpenAPI text at `/docs`).
 */
import { Type } from 'typebox';
import { Currency, IccidProof, LocalDate, Money, Msisdn } from '../http/schemas.js';

export const CardProofBody = Type.Object({ msisdn: Msisdn, iccid: IccidProof }, { additionalProperties: false });

const PlanCode = Type.String({ minLength: 1, maxLength: 64, examples: ['y1'] });
const CouponCode = Type.String({ minLength: 1, maxLength: 64, examples: ['SAVE5'] });

export const QuoteBody = Type.Object({ msisdn: Msisdn, iccid: IccidProof, plan: PlanCode, coupon: Type.Optional(CouponCode) }, { additionalProperties: false });

export const OrderBody = Type.Object(
  {
    msisdn: Msisdn,
    iccid: IccidProof,
    plan: PlanCode,
    coupon: Type.Optional(CouponCode),
    payment: Type.String({
      minLength: 1,
      maxLength: 32,
      description:
        'Payment method: "sandbox" in demo; "alipay", "wechatpay", "unionpay" where the card\'s operator has switched them on (see `paymentMethods` of the lookup).',
      examples: ['sandbox', 'alipay'],
    }),
  },
  { additionalProperties: false },
);

const LocalName = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const PromotionName = Type.Optional(
  Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: "The promotion's name, as the pages show it (quotes carry it)" }),
);

const Discount = Type.Object({
  promotion: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.Literal('percent'), Type.Literal('amount')]),
  amount: Money,
  name: PromotionName,
});

const Bonus = Type.Union([
  Type.Object({ promotion: Type.String(), months: Type.Optional(Type.Integer()), days: Type.Optional(Type.Integer()), name: PromotionName }),
  Type.Null(),
]);

const Offer = Type.Object(
  {
    price: Money,
    promotion: Type.Union([Type.Object({ id: Type.String(), code: Type.Union([Type.String(), Type.Null()]), name: LocalName }), Type.Null()]),
  },
  { description: 'What the card would pay for this plan now, with the automatic promotion behind that price (null: none); before any coupon' },
);

const CardStatus = Type.Enum(['active', 'grace', 'suspended', 'recycled', 'blocked']);

export const LookupResponse = Type.Object({
  card: Type.Object({
    operator: Type.String(),
    operatorName: Type.String(),
    brandColor: Type.String(),
    msisdn: Type.String({ description: 'Masked', examples: ['+86 138****8000'] }),
    status: CardStatus,
    validUntil: LocalDate,
    daysLeft: Type.Integer(),
    expiringSoon: Type.Boolean(),
    renewable: Type.Boolean(),
    today: LocalDate,
  }),
  plans: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      names: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
      months: Type.Optional(Type.Integer()),
      days: Type.Optional(Type.Integer()),
      price: Money,
      currency: Currency,
      validUntilAfter: LocalDate,
      offer: Type.Optional(Offer),
    }),
  ),
  paymentMethods: Type.Array(Type.String(), {
    description: "The payment methods open to this card (its operator's enabled providers, and the sandbox in demo).",
    examples: [['alipay', 'wechatpay']],
  }),
});

export const QuoteResponse = Type.Object({
  plan: Type.String(),
  listPrice: Money,
  currency: Currency,
  discounts: Type.Array(Discount),
  bonus: Bonus,
  total: Money,
  validUntilBefore: LocalDate,
  validUntilAfter: LocalDate,
});

export const OrderResponse = Type.Object({
  id: Type.String({ examples: ['ord_7Yk…'] }),
  status: Type.Enum(['pending_payment', 'fulfilled', 'expired', 'cancelled', 'refund_pending', 'refunded']),
  operator: Type.String(),
  msisdn: Type.String(),
  plan: Type.String(),
  planName: Type.Optional(Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: "The plan's names, as the pages show them" })),
  channel: Type.String(),
  listPrice: Money,
  discounts: Type.Array(Discount),
  bonus: Bonus,
  total: Money,
  currency: Currency,
  createdAt: Type.String(),
  expiresAt: Type.String({ examples: ['2026-11-24T19:30:00+08:00'] }),
  payment: Type.Union([
    Type.Object({
      id: Type.String(),
      provider: Type.String(),
      status: Type.String(),
      flag: Type.Optional(Type.String()),
      checkoutUrl: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
  validUntilBefore: Type.Optional(LocalDate),
  validUntilAfter: Type.Optional(LocalDate),
  fulfilledAt: Type.Optional(Type.String()),
  receipt: Type.Optional(Type.Object({ number: Type.String(), pdfUrl: Type.String(), verifyUrl: Type.String() })),
  refundedAt: Type.Optional(Type.String()),
  refundReason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
