/** Schemas of the queue's public and console routes (validation and the OpenAPI text). */
import { Type } from 'typebox';
import { Msisdn } from '../http/schemas.js';
import { Names } from './hall-admin-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ description: 'ISO 8601 instant (UTC)' });
export const Priority = Type.Union([Type.Literal('none'), Type.Literal('elderly'), Type.Literal('disabled'), Type.Literal('appointment')], {
  description: 'Priority tickets (elderly, disabled, appointment) are called before the others',
});
const TicketStatus = Type.Union([
  Type.Literal('waiting'),
  Type.Literal('called'),
  Type.Literal('serving'),
  Type.Literal('done'),
  Type.Literal('no_show'),
  Type.Literal('transferred'),
  Type.Literal('cancelled'),
]);
const Wait = Nullable(
  Type.Integer({
    minimum: 0,
    description: 'Estimated wait in seconds: median service time × people ahead ÷ open counters; null when no open counter serves the service',
  }),
);
export const ServiceRef = Type.String({ minLength: 1, maxLength: 64, description: 'Service code (or id)', examples: ['renewal'] });
export const TicketToken = Type.Object({ token: Type.String({ minLength: 10, maxLength: 64, pattern: '^tt_[A-Za-z0-9_-]+$' }) });
export const TicketId = Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 64, pattern: '^tkt_[A-Za-z0-9]+$' }) });

export const KioskTicketBody = Type.Object({ service: ServiceRef, priority: Type.Optional(Priority) }, { additionalProperties: false });
export const RemoteTicketBody = Type.Object(
  { service: ServiceRef, phone: Type.Optional({ ...Msisdn, description: 'For an SMS when 3 people are ahead and when called' }) },
  { additionalProperties: false },
);

export const TicketResponse = Type.Object({
  token: Type.String({ description: 'Bearer secret of the phone page: GET /v1/tickets/{token}' }),
  number: Type.String({ examples: ['A023'] }),
  hall: Type.Object({ id: Type.String(), name: Type.String() }),
  service: Type.Object({ code: Type.String(), name: Names }),
  status: TicketStatus,
  priority: Priority,
  ahead: Nullable(Type.Integer({ minimum: 0, description: 'People of the same service called before this ticket (while waiting)' })),
  estimatedWaitSeconds: Wait,
  counter: Nullable(Type.String({ description: 'The counter to go to, once called' })),
  recalls: Type.Integer(),
  issuedAt: Instant,
  calledAt: Nullable(Instant),
  followUrl: Type.String({ description: 'The phone page to encode in the ticket’s QR code' }),
});

const ServiceLoad = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Names,
  ticketPrefix: Type.String(),
  defaultServiceSeconds: Type.Integer(),
  waiting: Type.Integer(),
  openCounters: Type.Integer(),
  estimatedWaitSeconds: Wait,
});

export const KioskHallResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String(),
  openingHours: Type.Record(Type.String(), Type.Array(Type.String())),
  timeZone: Type.String(),
  open: Type.Boolean({ description: 'Open now by its opening hours (always, when it has none)' }),
  opensAt: Nullable(Type.String({ description: 'While closed: when it opens next (ISO instant)' })),
  closesAt: Nullable(Type.String({ description: 'While open: when it closes (ISO instant)' })),
  services: Type.Array(ServiceLoad),
});

const BoardCall = Type.Object({
  number: Type.String(),
  counter: Nullable(Type.String()),
  service: Type.String(),
  calledAt: Nullable(Instant),
  recalls: Type.Integer(),
});

export const BoardResponse = Type.Object({
  hall: Type.Object({ id: Type.String(), name: Type.String() }),
  at: Instant,
  calling: Type.Array(BoardCall, { description: 'Tickets called and not yet at the counter, newest call first' }),
  recent: Type.Array(BoardCall, { description: 'Tickets called earlier today (being served, done, no-show…), newest first' }),
  services: Type.Array(Type.Object({ code: Type.String(), name: Names, ticketPrefix: Type.String(), waiting: Type.Integer(), estimatedWaitSeconds: Wait })),
  counters: Type.Array(Type.Object({ name: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('closed')]) })),
});

export const ConsoleTicket = Type.Object({
  id: Type.String(),
  number: Type.String(),
  service: Type.String(),
  status: TicketStatus,
  priority: Priority,
  source: Type.Union([Type.Literal('kiosk'), Type.Literal('remote'), Type.Literal('walk_in')]),
  phone: Nullable(Type.String({ description: 'Masked' })),
  recalls: Type.Integer(),
  maxRecalls: Type.Integer(),
  counter: Nullable(Type.String()),
  counterId: Nullable(Type.String()),
  issuedAt: Instant,
  calledAt: Nullable(Instant),
  startedAt: Nullable(Instant),
  finishedAt: Nullable(Instant),
});

export const CounterStateResponse = Type.Object({
  hall: Type.Object({ id: Type.String(), name: Type.String() }),
  counter: Type.Object({ id: Type.String(), name: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('closed')]) }),
  current: Nullable(ConsoleTicket),
  services: Type.Array(Type.Object({ code: Type.String(), waiting: Type.Integer() })),
  shift: Nullable(Type.Object({ id: Type.String(), counterId: Type.String(), float: Type.Integer(), openedAt: Instant })),
});

export const TransferBody = Type.Object(
  { service: Type.Optional(ServiceRef), counter: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^ctr_[A-Za-z0-9]+$' })) },
  { additionalProperties: false },
);
