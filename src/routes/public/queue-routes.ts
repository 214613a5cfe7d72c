/**
 * The queue's public routes: the kiosk (hall page, tickets), remote joining, the phone page
 * (ticket status and its QR code), and the display board with its live event stream.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { BoardFeed } from '../../hall/board/board-feed.js';
import { BoardHub } from '../../hall/board/board-hub.js';
import { HallId } from '../../hall/hall-admin-schemas.js';
import type { QueueService } from '../../hall/queue/queue-service.js';
import { BoardResponse, KioskHallResponse, KioskTicketBody, RemoteTicketBody, TicketResponse, TicketToken } from '../../hall/queue-schemas.js';
import { errors } from '../../http/schemas.js';

const tags = ['queue'];
const HallParams = Type.Object({ hall: HallId });
const HEARTBEAT_MS = 15_000;

export interface QueueRoutesOptions {
  queue: QueueService;
  boardFeed: BoardFeed;
}

export const queueRoutes: FastifyPluginAsyncTypebox<QueueRoutesOptions> = async (app, services) => {
  const { queue, boardFeed } = services;
  // One board goes to every stream of the hall: serialise it once.
  const frames = new WeakMap<object, string>();
  const serialised = (data: object) => {
    const known = frames.get(data);
    if (known !== undefined) return known;
    const text = JSON.stringify(data);
    frames.set(data, text);
    return text;
  };
  const boards = new BoardHub(
    boardFeed,
    (hallId) => queue.board(hallId),
    (error) => app.log.warn({ err: error }, 'board refresh failed'),
  );
  /** The open event streams, ended when the server closes. */
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/v1/halls/:hall',
    {
      schema: {
        tags,
        summary: 'The kiosk’s hall: services with people waiting and the wait for a new ticket',
        params: HallParams,
        response: { 200: KioskHallResponse, ...errors(400, 404) },
      },
    },
    (request) => queue.hall(request.params.hall),
  );

  app.post(
    '/v1/halls/:hall/tickets',
    {
      schema: {
        tags,
        summary: 'Take a ticket at the kiosk',
        description:
          'Numbers are the service’s prefix and a daily sequence restarting at local midnight in the hall’s zone (A001, A002…). The answer has the people ahead, the estimated wait and the phone page’s URL for the QR code.',
        params: HallParams,
        body: KioskTicketBody,
        response: { 201: TicketResponse, ...errors(400, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await queue.issue(request.params.hall, request.body, 'kiosk', request.ip)),
  );

  app.post(
    '/v1/halls/:hall/remote-tickets',
    {
      schema: {
        tags,
        summary: 'Join the queue before arriving (web app or the hall’s QR code)',
        description:
          'With a phone number, an SMS is sent once when 3 people (or fewer) are ahead, and when the ticket is called. A phone number holds one live ticket per hall: another join answers 409 `ticket_exists`. While the hall is closed by its opening hours, 409 `hall_closed` with `details.opensAt`. One client address may join one hall `SIMKEEP_JOIN_MAX_PER_IP` times within the anti-probing window (429 `too_many_attempts`).',
        params: HallParams,
        body: RemoteTicketBody,
        response: { 201: TicketResponse, ...errors(400, 404, 409, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await queue.issue(request.params.hall, request.body, 'remote', request.ip)),
  );

  app.get(
    '/v1/tickets/:token',
    {
      schema: {
        tags,
        summary: 'A ticket’s status for the phone page (by its token)',
        params: TicketToken,
        response: { 200: TicketResponse, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return queue.status(request.params.token);
    },
  );

  app.post(
    '/v1/tickets/:token/cancel',
    {
      schema: {
        tags,
        summary: 'Leave the queue (the phone page; a waiting ticket only)',
        params: TicketToken,
        response: { 200: TicketResponse, ...errors(400, 404, 409) },
      },
    },
    (request) => queue.cancel(request.params.token),
  );

  app.get(
    '/v1/tickets/:token/qr.svg',
    {
      schema: {
        tags,
        summary: 'The QR code of the ticket’s phone page (SVG), for the kiosk to print or show',
        params: TicketToken,
        produces: ['image/svg+xml'],
        response: { 200: Type.Unsafe({ type: 'string', description: 'SVG' }), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const { followUrl } = await queue.status(request.params.token);
      return reply.type('image/svg+xml').send(await QRCode.toString(followUrl, { type: 'svg', margin: 1 }));
    },
  );

  app.get(
    '/v1/halls/:hall/board',
    { schema: { tags, summary: 'The display board’s state', params: HallParams, response: { 200: BoardResponse, ...errors(400, 404) } } },
    (request) => queue.board(request.params.hall),
  );

  app.get(
    '/v1/halls/:hall/board/events',
    {
      schema: {
        tags,
        summary: 'The display board, live (Server-Sent Events)',
        description:
          'A `text/event-stream`: `event: board` with the whole board (as GET /v1/halls/{hall}/board) at once and after every change of the hall’s queue, and `event: call` ' +
          '`{"number", "counter", "service", "recall"}` when a ticket is called or recalled (chime, speech). Changes made through any server process arrive within a second (PostgreSQL LISTEN/NOTIFY). A comment line every 15 s keeps proxies from closing it.',
        params: HallParams,
        produces: ['text/event-stream'],
        response: { 200: Type.Unsafe({ type: 'string', description: 'text/event-stream' }), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const raw = reply.raw;
      let open = false;
      const early: string[] = [];
      const send = (event: string, data: object) => {
        const frame = `event: ${event}\ndata: ${serialised(data)}\n\n`;
        if (open) raw.write(frame);
        else early.push(frame);
      };
      const unwatch = await boards.watch(request.params.hall, { board: (b) => send('board', b), call: (c) => send('call', c) });
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 1000\n\n');
      for (const frame of early) raw.write(frame);
      open = true;
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        if (!streams.delete(end)) return;
        clearInterval(heartbeat);
        unwatch();
        raw.end();
      };
      streams.add(end);
      // The response's close: the board went away (or the server ends the stream).
      raw.on('close', end);
    },
  );
};
