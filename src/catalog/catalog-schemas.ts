/** Schemas of the admin catalog routes: operators, plans, promotions. */
import { Type } from 'typebox';
import { Channel, Currency, LocalDate, Money } from '../http/schemas.js';

export const OperatorCode = Type.String({ pattern: '^[a-z0-9-]{2,32}$', examples: ['demo'] });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, examples: ['Asia/Shanghai'] });
const BrandColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', examples: ['#0b5cad'] });
const Days = Type.Integer({ minimum: 0, maximum: 3650 });
const Language = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], {
  description:
    'What the API answers the operator’s callers in (error messages) when a request has no `Accept-Language` and its caller chose no language; `zh-CN` unless set',
  examples: ['zh-CN'],
});

const operatorFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  brandColor: Type.Optional(BrandColor),
  timeZone: Type.Optional(TimeZone),
  currency: Type.Optional(Currency),
  graceDays: Type.Optional(Days),
  suspendDays: Type.Optional(Days),
  defaultLanguage: Type.Optional(Language),
};

export const OperatorBody = Type.Object({ code: OperatorCode, ...operatorFields }, { additionalProperties: false });
export const OperatorPatch = Type.Partial(Type.Object(operatorFields), { additionalProperties: false });
export const Operator = Type.Object({
  code: Type.String(),
  name: Type.String(),
  displayName: Type.String(),
  brandColor: Type.String(),
  timeZone: Type.String(),
  currency: Type.String(),
  graceDays: Type.Integer(),
  suspendDays: Type.Integer(),
  defaultLanguage: Language,
});

const PlanName = Type.Union([
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.Object(
    { 'zh-CN': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), en: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
    { additionalProperties: false, minProperties: 1 },
  ),
]);
const PlanCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', examples: ['m1'] });
const planFields = {
  name: PlanName,
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  price: Money,
  channels: Type.Optional(Type.Array(Channel, { uniqueItems: true })),
  active: Type.Optional(Type.Boolean()),
};
export const PlanBody = Type.Object({ code: PlanCode, ...planFields }, { additionalProperties: false });
export const PlanPatch = Type.Partial(Type.Object(planFields), { additionalProperties: false });
export const Plan = Type.Object({
  code: Type.String(),
  name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  months: Type.Optional(Type.Integer()),
  days: Type.Optional(Type.Integer()),
  price: Type.Integer(),
  currency: Type.String(),
  channels: Type.Array(Type.String()),
  active: Type.Boolean(),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const promotionFields = {
  code: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }))),
  kind: Type.Union([Type.Literal('percent'), Type.Literal('amount'), Type.Literal('bonus')]),
  value: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  unit: Type.Optional(Nullable(Type.Union([Type.Literal('months'), Type.Literal('days')]))),
  plans: Type.Optional(Nullable(Type.Array(PlanCode, { minItems: 1, uniqueItems: true }))),
  channels: Type.Optional(Nullable(Type.Array(Channel, { minItems: 1, uniqueItems: true }))),
  startsOn: Type.Optional(Nullable(LocalDate)),
  endsOn: Type.Optional(Nullable(LocalDate)),
  maxRedemptions: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000 }))),
  perCardLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000 }))),
  active: Type.Optional(Type.Boolean()),
};
export const PromotionBody = Type.Object(promotionFields, { additionalProperties: false });
const { code: _code, ...patchable } = promotionFields;
export const PromotionPatch = Type.Partial(Type.Object(patchable), { additionalProperties: false });
export const Promotion = Type.Object({
  id: Type.String(),
  code: Nullable(Type.String()),
  kind: Type.String(),
  value: Type.Integer(),
  unit: Nullable(Type.String()),
  plans: Nullable(Type.Array(Type.String())),
  channels: Nullable(Type.Array(Type.String())),
  startsOn: Nullable(Type.String()),
  endsOn: Nullable(Type.String()),
  maxRedemptions: Nullable(Type.Integer()),
  perCardLimit: Nullable(Type.Integer()),
  active: Type.Boolean(),
  createdAt: Type.String(),
  redemptions: Type.Integer({ description: 'Orders holding a redemption now (fulfilled, or pending and unexpired)' }),
});
