/**
 * The counter console's queue routes (staff session; X-CSRF-Token on writes): a counter’s
 * state, open/close (supervisor), call next, walk-in, and the actions on a ticket.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ConsoleService, SimpleAction } from '../../hall/console/console-service.js';
import { CounterId } from '../../hall/hall-admin-schemas.js';
import { ConsoleTicket, CounterStateResponse, ServiceRef, TicketId, TransferBody } from '../../hall/queue-schemas.js';
import { errors } from '../../http/schemas.js';

const base = { tags: ['console'] };
const CounterParams = Type.Object({ counter: CounterId });
const ACTIONS: Record<string, { action: SimpleAction; summary: string }> = {
  recall: { action: 'recall', summary: 'Call the ticket again (up to the hall’s maxRecalls)' },
  'no-show': { action: 'no_show', summary: 'Mark a called ticket a no-show (after maxRecalls recalls)' },
  rejoin: { action: 'rejoin', summary: 'Put a no-show back in the queue, at the back' },
  start: { action: 'start', summary: 'The customer is at the counter: serving starts' },
  finish: { action: 'finish', summary: 'Done with the ticket' },
};

export interface ConsoleRoutesOptions {
  console: ConsoleService;
}

export const consoleRoutes: FastifyPluginAsyncTypebox<ConsoleRoutesOptions> = async (app, services) => {
  const { console: counterConsole } = services;

  app.get(
    '/v1/console/counters/:counter',
    {
      schema: {
        ...base,
        summary: 'A counter’s console: its status, current ticket, people waiting for its services, and my open shift',
        params: CounterParams,
        response: { 200: CounterStateResponse, ...errors(400, 401, 403, 404) },
      },
    },
    (request) => counterConsole.counterState(request.actor, request.params.counter),
  );

  for (const [verb, status] of [
    ['open', 'open'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/v1/console/counters/:counter/${verb}`,
      {
        schema: {
          ...base,
          summary: `${verb === 'open' ? 'Open' : 'Close'} a counter (supervisor)`,
          params: CounterParams,
          response: { 200: CounterStateResponse, ...errors(401, 403, 404) },
        },
      },
      (request) => counterConsole.setCounterStatus(request.actor, request.params.counter, status),
    );
  }

  app.post(
    '/v1/console/counters/:counter/call-next',
    {
      schema: {
        ...base,
        summary: 'Call the next ticket',
        description:
          'Priority tickets first (elderly, disabled, appointment), then first come first served, among the services the counter serves (and tickets transferred to it). `{"ticket": null}` when no one waits. `409 ticket_state_invalid` while the counter still has a called or served ticket; `409 counter_closed`.',
        params: CounterParams,
        response: { 200: Type.Object({ ticket: Type.Union([ConsoleTicket, Type.Null()]) }), ...errors(401, 403, 404, 409) },
      },
    },
    (request) => counterConsole.callNext(request.actor, request.params.counter),
  );

  app.post(
    '/v1/console/counters/:counter/walk-in',
    {
      schema: {
        ...base,
        summary: 'Serve a walk-in without a ticket (a numbered ticket is recorded, already being served)',
        params: CounterParams,
        body: Type.Object({ service: ServiceRef }, { additionalProperties: false }),
        response: { 201: ConsoleTicket, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await counterConsole.walkIn(request.actor, request.params.counter, request.body.service)),
  );

  for (const [verb, { action, summary }] of Object.entries(ACTIONS)) {
    app.post(
      `/v1/console/tickets/:ticket/${verb}`,
      { schema: { ...base, summary, params: TicketId, response: { 200: ConsoleTicket, ...errors(400, 401, 403, 404, 409) } } },
      (request) => counterConsole.act(request.actor, request.params.ticket, action),
    );
  }

  app.post(
    '/v1/console/tickets/:ticket/transfer',
    {
      schema: {
        ...base,
        summary: 'Transfer a ticket to another service and/or one counter',
        description: 'The ticket waits again, keeping its place in time (its issue time), so it is called before those who came after it.',
        params: TicketId,
        body: TransferBody,
        response: { 200: ConsoleTicket, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (request) => counterConsole.transfer(request.actor, request.params.ticket, request.body),
  );
};
