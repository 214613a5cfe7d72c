/** Schemas of the counter renewal, shift, void, invoice and statistics routes. */
import { Type } from 'typebox';
import { Currency, IccidProof, LocalDate, Money, Msisdn } from '../http/schemas.js';
import { Names } from './hall-admin-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000]*$' });
export const OrderParams = Type.Object({ order: Type.String({ minLength: 1, maxLength: 64, pattern: '^ord_[A-Za-z0-9_-]+$' }) });
export const ShiftParams = Type.Object({ shift: Type.String({ minLength: 1, maxLength: 64, pattern: '^shf_[A-Za-z0-9]+$' }) });

const CardQueryFields = {
  msisdn: Type.Optional(Msisdn),
  iccid: { ...IccidProof, description: 'The whole SIM serial (a barcode scan, enough alone), or its last 6 digits together with msisdn' },
};

export const CardQueryBody = Type.Object(CardQueryFields, { additionalProperties: false });

export const CounterCardResponse = Type.Object({
  card: Type.Object({
    operator: Type.String(),
    msisdn: Type.String(),
    iccid: Type.String(),
    status: Type.String(),
    validUntil: Type.String(),
    daysLeft: Type.Integer(),
    renewable: Type.Boolean(),
  }),
  plans: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Names,
      months: Type.Integer(),
      days: Type.Integer(),
      price: Type.Integer(),
      currency: Type.String(),
      validUntilAfter: Type.String(),
    }),
    { description: 'Active plans sold on the counter channel that this card can take now' },
  ),
});

export const CounterQuoteBody = Type.Object({ ...CardQueryFields, plan: Text(32), coupon: Type.Optional(Text(64)) }, { additionalProperties: false });

const Discount = Type.Object({ promotion: Type.String(), code: Nullable(Type.String()), kind: Type.String(), amount: Type.Integer() });
const Bonus = Nullable(Type.Object({ promotion: Type.String(), months: Type.Optional(Type.Integer()), days: Type.Optional(Type.Integer()) }));

export const CounterQuoteResponse = Type.Object({
  plan: Type.String(),
  listPrice: Type.Integer(),
  currency: Currency,
  discounts: Type.Array(Discount),
  bonus: Bonus,
  total: Type.Integer(),
  validUntilBefore: LocalDate,
  validUntilAfter: LocalDate,
});

export const CounterRenewalBody = Type.Object(
  {
    ...CardQueryFields,
    plan: Text(32),
    coupon: Type.Optional(Text(64)),
    ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^tkt_[A-Za-z0-9]+$', description: 'The called ticket (none for a walk-in)' })),
    idCheck: Type.Object(
      {
        documentType: Type.Union([
          Type.Literal('resident_id'),
          Type.Literal('passport'),
          Type.Literal('hk_macau_permit'),
          Type.Literal('taiwan_permit'),
          Type.Literal('other'),
        ]),
        last4: Type.String({ pattern: '^[0-9A-Za-z]{4}$', description: 'The last 4 characters of the document number; never the whole number' }),
      },
      { additionalProperties: false, examples: [{ documentType: 'resident_id', last4: '123X' }] },
    ),
    payment: Type.Union([
      Type.Object({ method: Type.Literal('cash'), tendered: Money }, { additionalProperties: false }),
      Type.Object(
        { method: Type.Literal('pos'), reference: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);

export const CounterRenewalResponse = Type.Object({
  order: Type.String(),
  status: Type.Literal('fulfilled'),
  plan: Type.String(),
  listPrice: Type.Integer(),
  discounts: Type.Array(Discount),
  bonus: Bonus,
  total: Type.Integer(),
  currency: Currency,
  validUntilBefore: Nullable(LocalDate),
  validUntilAfter: Nullable(LocalDate),
  fulfilledAt: Nullable(Type.String()),
  payment: Type.Object({
    method: Type.Union([Type.Literal('cash'), Type.Literal('pos')]),
    tendered: Nullable(Type.Integer()),
    change: Nullable(Type.Integer({ description: 'Change due to the customer' })),
    reference: Nullable(Type.String()),
  }),
  receiptPdfUrl: Type.String(),
});

const Tally = Type.Object({
  float: Type.Integer(),
  cashTakings: Type.Integer(),
  change: Type.Integer(),
  voids: Type.Integer(),
  expected: Type.Integer({ description: 'float + cash takings − change − voids' }),
  renewals: Type.Integer(),
  cashRenewals: Type.Integer(),
  posRenewals: Type.Integer(),
  posTotal: Type.Integer(),
  voided: Type.Integer(),
  voidRequests: Type.Array(Type.String()),
});

export const ShiftResponse = Type.Object({
  id: Type.String(),
  hall: Type.String(),
  counterId: Type.String(),
  staffId: Type.String(),
  clerk: Type.Object(
    { username: Type.String(), displayName: Type.String({ examples: ['王小明 Wang Xiaoming'] }) },
    { description: 'The clerk who opened the shift (staffId), as the console names them' },
  ),
  status: Type.Union([Type.Literal('open'), Type.Literal('pending_approval'), Type.Literal('closed'), Type.Literal('approved')]),
  float: Type.Integer(),
  openedAt: Type.String(),
  closedAt: Nullable(Type.String()),
  counted: Nullable(Type.Integer()),
  expected: Nullable(Type.Integer()),
  difference: Nullable(Type.Integer({ description: 'counted − expected' })),
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  note: Nullable(Type.String()),
  tally: Tally,
});

export const VoidResponse = Type.Object({
  order: Type.String(),
  orderStatus: Type.String(),
  voidStatus: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  requestedBy: Nullable(Type.String()),
  voidedBy: Nullable(Type.String()),
  shift: Type.String(),
  validUntil: Nullable(Type.String()),
});

export const InvoiceBody = Type.Object(
  {
    title: Text(200),
    taxId: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{15,20}$', description: 'Unified social credit code / tax id' })),
    email: Type.String({ format: 'email', maxLength: 254, examples: ['ap@example.com'] }),
  },
  { additionalProperties: false },
);

export const InvoiceResponse = Type.Object({
  id: Type.String(),
  order: Type.String(),
  title: Type.String(),
  taxId: Nullable(Type.String()),
  email: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('submitted')]),
  createdAt: Type.String(),
  pdfUrl: Type.String(),
});

const Figures = Type.Object({
  tickets: Type.Integer(),
  served: Type.Integer(),
  noShows: Type.Integer(),
  waitSeconds: Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) }),
  serviceSeconds: Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) }),
});

export const StatsQuery = Type.Object({ from: LocalDate, to: LocalDate }, { additionalProperties: false });
export const StatsResponse = Type.Object({
  hall: Type.Object({ id: Type.String(), name: Type.String() }),
  from: Type.String(),
  to: Type.String(),
  overall: Figures,
  byService: Type.Record(Type.String(), Figures, { description: 'By service code' }),
  byCounter: Type.Record(Type.String(), Figures, { description: 'By counter name' }),
  byClerk: Type.Record(Type.String(), Figures, { description: 'By clerk username' }),
  byDay: Type.Record(Type.String(), Figures, { description: 'By local day' }),
  names: Type.Object(
    {
      services: Type.Record(Type.String(), Type.Object({ 'zh-CN': Type.String(), en: Type.String() }), { description: 'Service code → its name' }),
      clerks: Type.Record(Type.String(), Type.String(), { description: 'Clerk username → display name' }),
    },
    { description: 'The names of the services and clerks the figures are keyed by' },
  ),
});
