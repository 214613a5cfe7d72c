/** Admin routes for reminders and messages: settings, the operator's view, dead letters. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCode } from '../../catalog/catalog-schemas.js';
import { OUTBOX_KINDS, OUTBOX_STATUSES } from '../../db/schema.js';
import { errors } from '../../http/schemas.js';
import { COUNTED_DAYS, type ReminderAdmin } from '../../reminders/reminder-admin.js';
import { PLACEHOLDERS } from '../../reminders/schedule.js';

const closed = { additionalProperties: false } as const;
const Template = Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }), subject: Type.String({ minLength: 1, maxLength: 200 }) }, closed);
const Step = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{1,32}$', description: 'Part of each reminder identity: renaming a step sends it again.' }),
    anchor: Type.Enum(['validUntil', 'suspension'], { description: '`validUntil`: the last valid day; `suspension`: the first suspended day.' }),
    offsetDays: Type.Integer({ minimum: -400, maximum: 400, description: 'Days from the anchor: -7 is a week before.' }),
    templates: Type.Object({ 'zh-CN': Template, en: Template }, closed),
  },
  closed,
);
const QuietHours = Type.Object(
  {
    start: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
    end: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
  },
  closed,
);
const TransportSettings = Type.Object(
  { kind: Type.String() },
  { additionalProperties: true, description: 'Secrets are answered as `***`; sending `***` back keeps them.' },
);
const Settings = Type.Object({
  schedule: Type.Array(Step),
  quietHours: QuietHours,
  transports: Type.Object({ sms: TransportSettings, email: TransportSettings }),
  customised: Type.Boolean(),
});
const SettingsPatch = Type.Object(
  {
    schedule: Type.Optional(Type.Union([Type.Array(Step, { maxItems: 20 }), Type.Null()])),
    quietHours: Type.Optional(QuietHours),
    transports: Type.Optional(Type.Object({ sms: Type.Optional(TransportSettings), email: Type.Optional(TransportSettings) }, closed)),
  },
  closed,
);
const Status = Type.Enum([...OUTBOX_STATUSES]);
const Summary = Type.Object({
  today: Type.String(),
  upcoming: Type.Array(Type.Object({ day: Type.String(), steps: Type.Record(Type.String(), Type.Integer()) })),
  messages: Type.Record(Type.String(), Type.Integer(), {
    description: `Reminders by status: \`pending\` and \`dead\` however old, the others queued since \`messagesSince\` (the last ${COUNTED_DAYS} days).`,
  }),
  messagesSince: Type.String({ format: 'date-time' }),
});
const Message = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  step: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  status: Status,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  deliveries: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      transport: Type.String(),
      ok: Type.Boolean(),
      detail: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer(),
      at: Type.String(),
    }),
  ),
});
const OperatorParams = Type.Object({ operator: OperatorCode });
const base = { tags: ['reminders'] };

export interface ReminderRoutesOptions {
  reminderAdmin: ReminderAdmin;
}

export const reminderRoutes: FastifyPluginAsyncTypebox<ReminderRoutesOptions> = async (app, services) => {
  const { reminderAdmin: admin } = services;

  app.get(
    '/v1/admin/operators/:operator/notifications',
    {
      schema: {
        ...base,
        summary: 'Reminder schedule, quiet hours and transports',
        params: OperatorParams,
        response: { 200: Settings, ...errors(401, 403, 404) },
      },
    },
    (request) => admin.settings(request.principal, request.params.operator),
  );

  app.patch(
    '/v1/admin/operators/:operator/notifications',
    {
      schema: {
        ...base,
        summary: 'Change the reminder schedule, quiet hours or transports',
        description: `Templates may use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}. \`schedule: null\` restores the built-in schedule (30, 7 and 1 days before, the first day of grace, 7 days before suspension).`,
        params: OperatorParams,
        body: SettingsPatch,
        response: { 200: Settings, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => admin.updateSettings(request.principal, request.params.operator, request.body),
  );

  app.get(
    '/v1/admin/operators/:operator/reminders',
    {
      schema: {
        ...base,
        summary: 'Reminders due in the coming days, and reminders by status',
        params: OperatorParams,
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 14 })) }),
        response: { 200: Summary, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => admin.summary(request.principal, request.params.operator, request.query.days ?? 14),
  );

  app.get(
    '/v1/admin/operators/:operator/messages',
    {
      schema: {
        ...base,
        summary: 'Messages with their delivery log, newest first, a page at a time (recipients masked)',
        params: OperatorParams,
        querystring: Type.Object({
          status: Type.Optional(Status),
          kind: Type.Optional(Type.Enum([...OUTBOX_KINDS])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          before: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'The id of the last message of the previous page: the next page follows it.' }),
          ),
        }),
        response: { 200: Type.Array(Message), ...errors(400, 401, 403, 404) },
      },
    },
    (request) =>
      admin.messages(
        request.principal,
        request.params.operator,
        { status: request.query.status, kind: request.query.kind, before: request.query.before },
        request.query.limit ?? 50,
      ),
  );

  app.post(
    '/v1/admin/operators/:operator/messages/:id/retry',
    {
      schema: {
        ...base,
        summary: 'Send a dead-lettered message again',
        params: Type.Object({ operator: OperatorCode, id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ id: Type.String(), status: Type.Literal('pending') }), ...errors(401, 403, 404) },
      },
    },
    (request) => admin.retry(request.principal, request.params.operator, request.params.id),
  );
};
