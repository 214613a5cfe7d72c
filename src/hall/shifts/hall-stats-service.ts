/**
 * What supervisors read about their hall: statistics (tickets per service, waiting and
 * service times (median, p90), no-shows, per counter, per clerk and per day, over a range
 * of the hall's local days) and the audit log.
 */
import type { Db } from '../../db/database.js';
import { DomainError } from '../../shared/errors.js';
import { assertSupervises, type HallActor, staffOf } from '../hall-access.js';
import { hallLayout } from '../hall-repository.js';
import { ticketsOfDays } from '../queue/ticket-repository.js';
import { auditPage } from '../staff/staff-repository.js';
import { figures, figuresBy, type TicketFacts } from './shift-rules.js';

const MAX_DAYS = 366;

export class HallStatsService {
  constructor(private readonly db: Db) {}

  async stats(actor: HallActor, hallId: string, from: string, to: string) {
    const layout = await hallLayout(this.db.kysely, hallId);
    assertSupervises(staffOf(actor), { id: hallId, operatorId: layout.hall.operator_id });
    if (from > to)
      throw new DomainError('invalid_request', { 'zh-CN': '开始日期（from）晚于结束日期（to）。', en: '`from` is after `to`.' }, { fields: ['/from', '/to'] });
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS)
      throw new DomainError('invalid_request', { 'zh-CN': `一次最多查看 ${MAX_DAYS} 天。`, en: `At most ${MAX_DAYS} days at once.` }, { fields: ['/to'] });
    const rows = await ticketsOfDays(this.db.kysely, hallId, from, to);
    const service = new Map(layout.services.map((s) => [s.id, s.code]));
    const counter = new Map(layout.counters.map((c) => [c.id, c.name]));
    const tickets: TicketFacts[] = rows.map((r) => ({
      serviceId: service.get(r.service_id) ?? r.service_id,
      counterId: r.counter_id ? (counter.get(r.counter_id) ?? r.counter_id) : null,
      clerkId: r.username,
      day: r.day,
      status: r.status,
      issuedAt: r.issued_at,
      firstCalledAt: r.first_called_at,
      calledAt: r.called_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }));
    return {
      hall: { id: hallId, name: layout.hall.name },
      from,
      to,
      overall: figures(tickets),
      byService: figuresBy(tickets, (t) => t.serviceId),
      byCounter: figuresBy(tickets, (t) => t.counterId),
      byClerk: figuresBy(tickets, (t) => t.clerkId),
      byDay: figuresBy(tickets, (t) => t.day),
      // What the keys above stand for, so a page shows names rather than codes.
      names: {
        services: Object.fromEntries(layout.services.map((s) => [s.code, { 'zh-CN': s.name_zh, en: s.name_en }])),
        clerks: Object.fromEntries(rows.flatMap((r) => (r.username && r.display_name ? [[r.username, r.display_name]] : []))),
      },
    };
  }

  /** The hall's audit log, newest first, a page at a time (`before`: the last id of the previous page). */
  async audit(actor: HallActor, hallId: string, limit: number, before: string | undefined) {
    const layout = await hallLayout(this.db.kysely, hallId);
    assertSupervises(staffOf(actor), { id: hallId, operatorId: layout.hall.operator_id });
    const rows = await auditPage(this.db.kysely, hallId, limit, before);
    return {
      entries: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        username: r.username,
        action: r.action,
        subject: r.subject,
        detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
        ip: r.ip,
      })),
    };
  }
}
