/**
 * The public side of the queue: the kiosk's hall page and tickets, remote joining, the
 * phone page's ticket status (by its unguessable token), and the display board. Every view
 * carries the people ahead and the wait estimate, so a page needs one call.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { TicketPriority, TicketSource } from '../../db/hall-schema.js';
import type { Database } from '../../db/schema.js';
import type { ProbeGuard } from '../../guard/probe-guard.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError, invalidPhoneNumber } from '../../shared/errors.js';
import { parseMsisdn } from '../../shared/msisdn.js';
import type { BoardFeed } from '../board/board-feed.js';
import { counterStatuses, type HallLayout, type HallLayouts, hallZones, type ServiceRow, serviceOf, serviceView } from '../hall-repository.js';
import { openState } from '../opening-hours.js';
import { countAhead, openCountersPerService, recentServiceSeconds, waitingCounts } from './queue-repository.js';
import { estimateWaitSeconds, NEAR_AHEAD, ticketDay, transition } from './queue-rules.js';
import {
  calledOn,
  cancelWaiting,
  closeDaysBefore,
  insertTicket,
  issueInOneStatement,
  type NewTicket,
  type TicketRow,
  ticketByToken,
  updateTicket,
} from './ticket-repository.js';

export interface IssueRequest {
  service: string;
  priority?: TicketPriority | undefined;
  phone?: string | undefined;
}

/** Per service: how many wait and how long a new ticket would wait. */
export interface ServiceLoad {
  waiting: number;
  openCounters: number;
  estimate: (ahead: number) => number | null;
}

const RECENT_CALLS = 8;

export class QueueService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly feed: BoardFeed,
    private readonly publicUrl: string,
    readonly layouts: HallLayouts,
    private readonly probes: ProbeGuard,
  ) {}

  /**
   * Per service of the hall: how many wait and the estimate for them. Counts, not rows, and
   * the queries at once (each on its own pooled connection on PostgreSQL): a board is read
   * after every change of the hall.
   */
  async loads(db: Kysely<Database>, layout: HallLayout): Promise<Map<string, ServiceLoad>> {
    const [waiting, estimates] = await Promise.all([waitingCounts(db, layout.hall.id), this.estimates(db, layout, layout.services)]);
    return new Map(
      layout.services.map((service) => {
        const { openCounters, estimate } = estimates.get(service.id) as Omit<ServiceLoad, 'waiting'>;
        return [service.id, { waiting: waiting.get(service.id) ?? 0, openCounters, estimate }];
      }),
    );
  }

  /** Per service given: its open counters, and how long a ticket with `ahead` people before it would wait. */
  private async estimates(db: Kysely<Database>, layout: HallLayout, services: readonly ServiceRow[]): Promise<Map<string, Omit<ServiceLoad, 'waiting'>>> {
    const [open, ...recent] = await Promise.all([openCountersPerService(db, layout.hall.id), ...services.map((s) => recentServiceSeconds(db, s.id))]);
    return new Map(
      services.map((service, i) => {
        const openCounters = open.get(service.id) ?? 0;
        const seconds = recent[i] as number[];
        const estimate = (ahead: number) =>
          estimateWaitSeconds({ recentServiceSeconds: seconds, defaultServiceSeconds: service.default_service_seconds, peopleAhead: ahead, openCounters });
        return [service.id, { openCounters, estimate }];
      }),
    );
  }

  /** The kiosk's page: the hall and, per service, the people waiting and the wait for a new ticket. */
  async hall(hallId: string) {
    const layout = await this.layouts.get(hallId);
    const loads = await this.loads(this.db.kysely, layout);
    const { hall } = layout;
    return {
      id: hall.id,
      name: hall.name,
      address: hall.address,
      openingHours: layout.openingHours as Record<string, string[]>,
      timeZone: hall.time_zone,
      ...openState(layout.openingHours, hall.time_zone, this.clock.now()),
      services: layout.services.map((s) => {
        const load = loads.get(s.id);
        return {
          ...serviceView(s),
          waiting: load?.waiting ?? 0,
          openCounters: load?.openCounters ?? 0,
          estimatedWaitSeconds: load?.estimate(load.waiting) ?? null,
        };
      }),
    };
  }

  async issue(hallId: string, request: IssueRequest, source: TicketSource, ip: string) {
    const layout = await this.layouts.get(hallId);
    const service = serviceOf(layout, request.service);
    const phone = request.phone === undefined ? null : parseMsisdn(request.phone);
    if (phone === undefined) throw invalidPhoneNumber('phone');
    const now = this.clock.now();
    // Joining from afar waits for opening time; the kiosk stands in the hall and serves whoever is there.
    if (source === 'remote') {
      const state = openState(layout.openingHours, layout.hall.time_zone, now);
      if (!state.open) {
        const message = {
          'zh-CN': `营业厅现在不在营业时间${state.opensAt ? `，将于 ${state.opensAt} 开门` : ''}，营业后即可排队。`,
          en: `The hall is closed now${state.opensAt ? `; it opens at ${state.opensAt}` : ''}. Join once it is open.`,
        };
        throw new DomainError('hall_closed', message, { opensAt: state.opensAt });
      }
      await this.probes.admitJoin(layout.hall.id, ip);
    }
    const fields = { priority: request.priority ?? 'none', source, phone } as const;
    const ticket = await this.write(layout, service.id, fields, now);
    await this.feed.publish({ hallId });
    return this.ticketView(layout, ticket);
  }

  /** Numbers and writes a new ticket; a phone already waiting in the hall is `ticket_exists`. */
  private async write(layout: HallLayout, serviceId: string, fields: NewTicket, now: Date): Promise<TicketRow> {
    // No phone, so no near-front message to settle: numbered and written in one statement.
    if (fields.phone === null && this.db.dialect === 'postgres') return issueInOneStatement(this.db.kysely, layout, serviceId, fields, now);
    const { phone } = fields;
    return this.db.kysely
      .transaction()
      .execute(async (trx) => {
        const row = await insertTicket(trx, layout, serviceId, fields, now);
        // Joined already near the front: no "3 ahead" message later.
        if (row.phone && (await countAhead(trx, row)) <= NEAR_AHEAD) {
          await updateTicket(trx, row.id, { near_notified: 1 });
        }
        return row;
      })
      .catch((error: unknown) => {
        // hall_tickets_live_phone: one live ticket per phone number and hall.
        if (phone && isUniqueViolation(error)) {
          throw new DomainError('ticket_exists', undefined, { fields: ['/phone'] });
        }
        throw error;
      });
  }

  /** The customer leaves the queue from the phone page (a waiting ticket only). */
  async cancel(token: string) {
    const ticket = await this.byToken(token);
    const next = transition(ticket, 'cancel', 0);
    if (!next.ok)
      throw new DomainError('ticket_state_invalid', {
        'zh-CN': `这个号码不能取消：${next.reason['zh-CN']}。`,
        en: `This ticket cannot be cancelled: ${next.reason.en}.`,
      });
    const cancelled = await cancelWaiting(this.db.kysely, ticket.id, this.clock.now().toISOString());
    if (!cancelled) throw new DomainError('ticket_state_invalid', { 'zh-CN': '这个号码刚刚已被叫号。', en: 'This ticket was called meanwhile.' });
    await this.feed.publish({ hallId: ticket.hall_id });
    return this.status(token);
  }

  /** The phone page: a ticket by its token. */
  async status(token: string) {
    const ticket = await this.byToken(token);
    return this.ticketView(await this.layouts.get(ticket.hall_id), ticket);
  }

  private async byToken(token: string): Promise<TicketRow> {
    const ticket = await ticketByToken(this.db.kysely, token);
    if (!ticket) throw new DomainError('ticket_not_found', { 'zh-CN': '找不到这个链接对应的号码。', en: 'No ticket has this link.' });
    return ticket;
  }

  async ticketView(layout: HallLayout, ticket: TicketRow) {
    const service = serviceOf(layout, ticket.service_id);
    let ahead: number | null = null;
    let estimatedWaitSeconds: number | null = null;
    if (ticket.status === 'waiting') {
      const [estimates, before] = await Promise.all([this.estimates(this.db.kysely, layout, [service]), countAhead(this.db.kysely, ticket)]);
      ahead = before;
      estimatedWaitSeconds = estimates.get(service.id)?.estimate(before) ?? null;
    }
    return {
      token: ticket.token,
      number: ticket.number,
      hall: { id: layout.hall.id, name: layout.hall.name },
      service: { code: service.code, name: { 'zh-CN': service.name_zh, en: service.name_en } },
      status: ticket.status,
      priority: ticket.priority,
      ahead,
      estimatedWaitSeconds,
      counter: layout.counters.find((c) => c.id === ticket.counter_id)?.name ?? null,
      recalls: ticket.recalls,
      issuedAt: ticket.issued_at,
      calledAt: ticket.called_at,
      followUrl: `${this.publicUrl}/queue/${ticket.token}`,
    };
  }

  /**
   * Closes the queue of every past day, run by the scheduled jobs: after a hall's local
   * midnight, a ticket of an earlier day still waiting is cancelled, and one called but
   * never served is a no-show. Otherwise the first call of the morning would take
   * yesterday's oldest ticket, and a phone whose remote ticket was left waiting could not
   * join again. A ticket being served is left for its clerk to finish. Returns how many
   * tickets were closed; boards of the halls concerned are told.
   */
  async closePastDays(): Promise<number> {
    const now = this.clock.now();
    const halls = await hallZones(this.db.kysely);
    // One statement per time zone, whose halls share one local day.
    const byZone = new Map<string, string[]>();
    for (const hall of halls) {
      const ids = byZone.get(hall.time_zone) ?? [];
      ids.push(hall.id);
      byZone.set(hall.time_zone, ids);
    }
    const touched = new Set<string>();
    let closed = 0;
    for (const [timeZone, hallIds] of byZone) {
      const rows = await closeDaysBefore(this.db.kysely, hallIds, ticketDay(timeZone, now), now.toISOString());
      for (const row of rows) touched.add(row.hall_id);
      closed += rows.length;
    }
    for (const hallId of touched) await this.feed.publish({ hallId });
    return closed;
  }

  /** The display board: tickets being called, recently called, waiting per service, counters. */
  async board(hallId: string) {
    const layout = await this.layouts.get(hallId);
    const loads = await this.loads(this.db.kysely, layout);
    const statuses = await counterStatuses(this.db.kysely, hallId);
    const day = ticketDay(layout.hall.time_zone, this.clock.now());
    const called = await calledOn(this.db.kysely, hallId, day, RECENT_CALLS + layout.counters.length);
    const counterName = (id: string | null) => layout.counters.find((c) => c.id === id)?.name ?? null;
    const serviceCode = (id: string) => layout.services.find((s) => s.id === id)?.code ?? '';
    const entry = (t: (typeof called)[number]) => ({
      number: t.number,
      counter: counterName(t.counter_id),
      service: serviceCode(t.service_id),
      calledAt: t.called_at,
      recalls: t.recalls,
    });
    return {
      hall: { id: layout.hall.id, name: layout.hall.name },
      at: this.clock.now().toISOString(),
      calling: called.filter((t) => t.status === 'called').map(entry),
      recent: called
        .filter((t) => t.status !== 'called')
        .slice(0, RECENT_CALLS)
        .map(entry),
      services: layout.services.map((s) => {
        const load = loads.get(s.id);
        return {
          code: s.code,
          name: { 'zh-CN': s.name_zh, en: s.name_en },
          ticketPrefix: s.ticket_prefix,
          waiting: load?.waiting ?? 0,
          estimatedWaitSeconds: load?.estimate(load.waiting) ?? null,
        };
      }),
      counters: layout.counters.map((c) => ({ name: c.name, status: statuses.get(c.id) ?? c.status })),
    };
  }
}
