/** Schemas of the hall's admin and staff routes (validation and the OpenAPI text). */
import { Type } from 'typebox';
import { WEEKDAYS } from './opening-hours.js';

export const Id = (prefix: string, example: string) => Type.String({ minLength: 1, maxLength: 64, pattern: `^${prefix}_[A-Za-z0-9_-]+$`, examples: [example] });
export const HallId = Id('hall', 'hall_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D');
export const CounterId = Id('ctr', 'ctr_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D');
export const StaffId = Id('stf', 'stf_01JD3Q8Z5X6V7W8Y9Z0A1B2C3D');
export const Role = Type.Union([Type.Literal('clerk'), Type.Literal('supervisor'), Type.Literal('operator_admin')]);
const Text = (max: number, extra: object = {}) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000]*$', ...extra });
// 24:00 closes a day at its end (a day cannot open then: hoursProblem).
const Hhmm = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });

export const Names = Type.Object({ 'zh-CN': Text(100), en: Text(100) }, { additionalProperties: false });

export const HallBody = Type.Object(
  {
    name: Text(200, { examples: ['中环营业厅 Central hall'] }),
    address: Text(500),
    openingHours: Type.Optional(
      Type.Object(Object.fromEntries(WEEKDAYS.map((d) => [d, Type.Optional(Type.Array(Hhmm, { minItems: 2, maxItems: 2 }))])), {
        additionalProperties: false,
        description:
          'Opening and closing time per weekday in the hall’s zone, e.g. {"mon": ["09:00", "18:00"]} ("24:00" closes at the day’s end); no hours: always open. Remote joining is refused while the hall is closed.',
      }),
    ),
    timeZone: Type.Optional(Text(64, { description: "IANA zone; the operator's by default", examples: ['Asia/Shanghai'] })),
    maxRecalls: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Recalls before a called ticket may be marked a no-show (default 2)' })),
  },
  { additionalProperties: false },
);

export const ServiceBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{2,32}$', examples: ['renewal'] }),
    name: Names,
    ticketPrefix: Type.String({ pattern: '^[A-Z]{1,3}$', examples: ['A'] }),
    defaultServiceSeconds: Type.Optional(
      Type.Integer({ minimum: 10, maximum: 7200, description: 'Service time the wait estimate uses until the service has history (default 300)' }),
    ),
  },
  { additionalProperties: false },
);

export const CounterBody = Type.Object(
  {
    name: Text(32, { examples: ['3'] }),
    services: Type.Array(Text(64), { maxItems: 50, description: 'Codes (or ids) of the services the counter serves' }),
  },
  { additionalProperties: false },
);

export const StaffBody = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9._-]{3,64}$', examples: ['li.wei'] }),
    displayName: Text(100),
    role: Role,
    hall: Type.Optional(HallId),
    password: Type.String({ minLength: 10, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const StaffPatchBody = Type.Object(
  { active: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 10, maxLength: 256 })) },
  { additionalProperties: false },
);

const ServiceView = Type.Object({ id: Type.String(), code: Type.String(), name: Names, ticketPrefix: Type.String(), defaultServiceSeconds: Type.Integer() });
const CounterView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  services: Type.Array(Type.String()),
});

export const HallResponse = Type.Object({
  id: Type.String(),
  operator: Type.String(),
  name: Type.String(),
  address: Type.String(),
  openingHours: Type.Record(Type.String(), Type.Array(Type.String())),
  timeZone: Type.String(),
  maxRecalls: Type.Integer(),
  services: Type.Array(ServiceView),
  counters: Type.Array(CounterView),
});

export const StaffResponse = Type.Object({
  id: Type.String(),
  operator: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  hall: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});

export const LoginBody = Type.Object({ username: Text(64), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export const MeResponse = Type.Object({
  staff: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: Role,
    operator: Type.String(),
    hall: Type.Union([Type.String(), Type.Null()]),
  }),
  csrfToken: Type.String({ description: 'Send it back in X-CSRF-Token on every state-changing staff request' }),
  halls: Type.Array(HallResponse, { description: 'The halls this staff member works in (one, or all of the operator for an operator admin)' }),
});
