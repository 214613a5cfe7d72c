/**
 * The counter console: open and close a counter (supervisor), call the next ticket, recall,
 * no-show, rejoin, start, finish, transfer, and serve a walk-in. Each action runs in one
 * transaction holding the hall's queue lock (PostgreSQL; SQLite is serial), is audited,
 * writes its SMS to the outbox, and is announced to the boards once committed.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError, type Text } from '../../shared/errors.js';
import { maskMsisdn } from '../../shared/msisdn.js';
import { type AuditEntry, audit, auditRow } from '../audit.js';
import type { BoardFeed, HallChange } from '../board/board-feed.js';
import { assertInHall, assertSupervises, type HallActor, type StaffPrincipal, staffOf } from '../hall-access.js';
import { type CounterRow, counterNow, counterOf, type HallLayout, serviceOf, setCounterStatus } from '../hall-repository.js';
import { calledNotice, noticeNear } from '../queue/queue-notices.js';
import { type TicketAction, transition } from '../queue/queue-rules.js';
import type { QueueService } from '../queue/queue-service.js';
import { changeTicket, hallOfTicket, insertTicket, lockTicket, type TicketRow } from '../queue/ticket-repository.js';
import { openShiftSummary } from '../shifts/shift-repository.js';
import { CALLED_NUMBER, callNext, counterCallState, currentAtCounter } from './call-repository.js';

export type SimpleAction = Extract<TicketAction, 'recall' | 'no_show' | 'rejoin' | 'start' | 'finish'>;

const stateInvalid = (reason: Text) =>
  new DomainError('ticket_state_invalid', { 'zh-CN': `这个号码现在不能这样操作：${reason['zh-CN']}。`, en: `This ticket cannot do that now: ${reason.en}.` });
/** The counter deals with a ticket already (`number`, when known). */
const finishFirst = (number: string | undefined) =>
  stateInvalid({
    'zh-CN': `请先办理完毕${number ?? '本窗口的当前号码'}（或标记为过号）`,
    en: `finish ${number ?? 'the ticket at this counter'} (or mark it a no-show) first`,
  });

export function consoleTicketView(layout: HallLayout, t: TicketRow) {
  return {
    id: t.id,
    number: t.number,
    service: serviceOf(layout, t.service_id).code,
    status: t.status,
    priority: t.priority,
    source: t.source,
    phone: t.phone ? maskMsisdn(t.phone) : null,
    recalls: t.recalls,
    maxRecalls: layout.hall.max_recalls,
    counter: layout.counters.find((c) => c.id === t.counter_id)?.name ?? null,
    counterId: t.counter_id,
    issuedAt: t.issued_at,
    calledAt: t.called_at,
    startedAt: t.started_at,
    finishedAt: t.finished_at,
  };
}

/**
 * The audit entry of a console action on a ticket: the ticket as subject, its number and
 * `detail` as detail. A call names its ticket before it knows it (`callNext` fills in the
 * subject and `CALLED_NUMBER`).
 */
function ticketEntry(layout: HallLayout, action: string, ticket: { id?: string; number: string }, detail?: object): AuditEntry {
  return { operatorId: layout.hall.operator_id, hallId: layout.hall.id, action, subject: ticket.id, detail: { number: ticket.number, ...detail } };
}

export class ConsoleService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly feed: BoardFeed,
    private readonly queue: QueueService,
  ) {}

  /**
   * Runs `work` in one transaction, then tells the boards. No hall-wide lock: each action
   * locks the rows it changes (the ticket; a call, which has its own commit in `callNext`,
   * claims the next ticket with SKIP LOCKED), and the database keeps a counter to one
   * current ticket (a partial unique index), so the counters of a hall work side by side.
   */
  private async change<T>(hallId: string, work: (trx: Kysely<Database>, now: Date) => Promise<{ result: T; change?: HallChange['call'] }>): Promise<T> {
    const now = this.clock.now();
    const { result, change } = await this.db.kysely.transaction().execute((trx) => work(trx, now));
    await this.feed.publish({ hallId, call: change });
    return result;
  }

  private async counterContext(actor: HallActor, counterId: string) {
    // Whether the counter is open is read now: the cached layout may be a moment old.
    return this.contextOf(actor, counterId, await counterNow(this.db.kysely, counterId));
  }

  private async contextOf(actor: HallActor, counterId: string, row: { hallId: string; status: 'open' | 'closed' } | undefined) {
    const staff = staffOf(actor);
    if (!row) throw new DomainError('counter_not_found');
    const layout = await this.queue.layouts.get(row.hallId);
    assertInHall(staff, { id: row.hallId, operatorId: layout.hall.operator_id });
    return { staff, layout, counter: { ...counterOf(layout, counterId), status: row.status } };
  }

  /** Everything the console page shows for one counter, in one answer. */
  async counterState(actor: HallActor, counterId: string) {
    const { staff, layout, counter } = await this.counterContext(actor, counterId);
    const current = await currentAtCounter(this.db.kysely, counterId);
    const loads = await this.queue.loads(this.db.kysely, layout);
    const shift = await openShiftSummary(this.db.kysely, staff.id);
    return {
      hall: { id: layout.hall.id, name: layout.hall.name },
      counter: { id: counter.id, name: counter.name, status: counter.status },
      current: current ? consoleTicketView(layout, current) : null,
      services: layout.services.filter((s) => counter.serviceIds.includes(s.id)).map((s) => ({ code: s.code, waiting: loads.get(s.id)?.waiting ?? 0 })),
      shift: shift ? { id: shift.id, counterId: shift.counter_id, float: shift.float, openedAt: shift.opened_at } : null,
    };
  }

  async setCounterStatus(actor: HallActor, counterId: string, status: 'open' | 'closed') {
    const { staff, layout, counter } = await this.counterContext(actor, counterId);
    assertSupervises(staff, { id: layout.hall.id, operatorId: layout.hall.operator_id });
    await this.change(layout.hall.id, async (trx, now) => {
      await setCounterStatus(trx, [counterId], status, now.toISOString());
      await audit(
        trx,
        actor,
        actor.ip,
        { operatorId: layout.hall.operator_id, hallId: layout.hall.id, action: `counter.${status === 'open' ? 'open' : 'close'}`, subject: counterId },
        now,
      );
      return { result: undefined };
    });
    return this.counterState(actor, counter.id);
  }

  async callNext(actor: HallActor, counterId: string) {
    const state = await counterCallState(this.db.kysely, counterId);
    const { staff, layout, counter } = await this.contextOf(actor, counterId, state);
    if (counter.status !== 'open') throw new DomainError('counter_closed');
    // Nobody waiting for this counter: answered from that one read, without a transaction.
    if (!state?.waiting) {
      if (state?.current) throw finishFirst(state.current);
      return { ticket: null };
    }
    const now = this.clock.now();
    const { hall } = layout;
    const records = {
      message: calledNotice(hall, counter.name, now),
      audit: auditRow(actor, actor.ip, ticketEntry(layout, 'ticket.call', { number: CALLED_NUMBER }, { counter: counterId }), now),
    };
    const ticket = await this.atCounter(counterId, () => callNext(this.db, hall.id, counter, staff.id, now, records));
    if (!ticket) return { ticket: null };
    // After the call's commit, side by side: the boards, and whoever the call brought near the front.
    await Promise.all([
      this.feed.publish({ hallId: hall.id, call: this.call(layout, ticket, counter, false) }),
      noticeNear(this.db.kysely, this.db.dialect, hall, [ticket.service_id], now),
    ]);
    return { ticket: consoleTicketView(layout, ticket) };
  }

  /**
   * Runs a change that gives the counter a current ticket; when the counter has one already
   * (another call through another request won the race), the change has rolled back and
   * the clerk is told to finish that ticket first.
   */
  private async atCounter<T>(counterId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const current = await currentAtCounter(this.db.kysely, counterId);
      throw finishFirst(current?.number);
    }
  }

  async walkIn(actor: HallActor, counterId: string, serviceRef: string) {
    const { staff, layout, counter } = await this.counterContext(actor, counterId);
    if (counter.status !== 'open') throw new DomainError('counter_closed');
    const service = serviceOf(layout, serviceRef);
    const current = await currentAtCounter(this.db.kysely, counterId);
    if (current) throw finishFirst(current.number);
    return this.atCounter(counterId, () =>
      this.change(layout.hall.id, async (trx, now) => {
        const fields = { priority: 'none', source: 'walk_in', phone: null, servedAt: { counterId, clerkId: staff.id } } as const;
        const ticket = await insertTicket(trx, layout, service.id, fields, now);
        await this.audit(trx, actor, layout, 'ticket.walk_in', ticket, now, { counter: counterId });
        return { result: consoleTicketView(layout, ticket) };
      }),
    );
  }

  async act(actor: HallActor, ticketId: string, action: SimpleAction) {
    const { layout } = await this.ticketContext(actor, ticketId);
    const acting = this.change(layout.hall.id, async (trx, now) => {
      const ticket = await lockTicket(trx, this.db.dialect, ticketId);
      const next = transition(ticket, action, layout.hall.max_recalls);
      if (!next.ok) throw stateInvalid(next.reason);
      const at = now.toISOString();
      const changes: Partial<TicketRow> = { status: next.status, recalls: next.recalls, updated_at: at };
      if (action === 'recall') changes.called_at = at;
      if (action === 'start') changes.started_at = at;
      if (action === 'finish' || action === 'no_show') changes.finished_at = at;
      // Rejoining puts the ticket at the back of the queue, free for any counter.
      if (action === 'rejoin') Object.assign(changes, { queued_at: at, counter_id: null, target_counter_id: null, finished_at: null, near_notified: 1 });
      const updated = await changeTicket(trx, ticketId, changes);
      if (action === 'no_show') await noticeNear(trx, this.db.dialect, layout.hall, [ticket.service_id], now);
      await this.audit(trx, actor, layout, `ticket.${action}`, updated, now);
      const counter = layout.counters.find((c) => c.id === updated.counter_id);
      return { result: consoleTicketView(layout, updated), change: action === 'recall' && counter ? this.call(layout, updated, counter, true) : undefined };
    });
    // A no-show whose phone number joined the queue again meanwhile cannot also rejoin (hall_tickets_live_phone).
    return acting.catch((error: unknown) => {
      throw action === 'rejoin' && isUniqueViolation(error)
        ? stateInvalid({ 'zh-CN': '这个手机号已用另一张号票重新排队', en: 'this phone number is in the queue again with another ticket' })
        : error;
    });
  }

  /** Sends a ticket back to the queue of another service, or to one counter, keeping its place in time. */
  async transfer(actor: HallActor, ticketId: string, to: { service?: string | undefined; counter?: string | undefined }) {
    const { layout } = await this.ticketContext(actor, ticketId);
    if (to.service === undefined && to.counter === undefined)
      throw new DomainError(
        'invalid_request',
        { 'zh-CN': '请指定转到哪项业务或哪个窗口（或两者）。', en: 'Say where to: a service, a counter, or both.' },
        { fields: ['/service', '/counter'] },
      );
    const counter = to.counter === undefined ? undefined : counterOf(layout, to.counter);
    const service = to.service === undefined ? undefined : serviceOf(layout, to.service);
    return this.change(layout.hall.id, async (trx, now) => {
      const ticket = await lockTicket(trx, this.db.dialect, ticketId);
      const next = transition(ticket, 'transfer', layout.hall.max_recalls);
      if (!next.ok) throw stateInvalid(next.reason);
      const serviceId = service?.id ?? ticket.service_id;
      if (counter && !counter.serviceIds.includes(serviceId))
        throw stateInvalid({ 'zh-CN': `${counter.name} 号窗口不办理这项业务`, en: `counter ${counter.name} does not serve this service` });
      const updated = await changeTicket(trx, ticketId, {
        status: 'waiting',
        recalls: 0,
        service_id: serviceId,
        target_counter_id: counter?.id ?? null,
        counter_id: null,
        updated_at: now.toISOString(),
      });
      await this.audit(trx, actor, layout, 'ticket.transfer', updated, now, { from: ticket.service_id, service: serviceId, counter: counter?.id ?? null });
      return { result: consoleTicketView(layout, updated) };
    });
  }

  private async ticketContext(actor: HallActor, ticketId: string): Promise<{ staff: StaffPrincipal; layout: HallLayout }> {
    const staff = staffOf(actor);
    const layout = await this.queue.layouts.get(await hallOfTicket(this.db.kysely, ticketId));
    assertInHall(staff, { id: layout.hall.id, operatorId: layout.hall.operator_id });
    return { staff, layout };
  }

  private call(layout: HallLayout, ticket: TicketRow, counter: CounterRow, recall: boolean): HallChange['call'] {
    return { number: ticket.number, counter: counter.name, service: serviceOf(layout, ticket.service_id).code, recall };
  }

  private audit(trx: Kysely<Database>, actor: HallActor, layout: HallLayout, action: string, ticket: TicketRow, now: Date, detail?: object) {
    return audit(trx, actor, actor.ip, ticketEntry(layout, action, ticket, detail), now);
  }
}
