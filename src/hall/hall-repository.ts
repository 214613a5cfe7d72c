/**
 * Halls with their services and counters, as the queue, the console and the admin side read
 * them. Each function takes the Kysely instance or the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { HallCounterTable, HallServiceTable, HallTable } from '../db/hall-schema.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';
import type { OpeningHours } from './opening-hours.js';

export type HallRow = HallTable;
export type ServiceRow = HallServiceTable;
export type CounterRow = HallCounterTable & { serviceIds: string[] };

export interface HallLayout {
  hall: HallRow;
  /** `hall.opening_hours`, parsed once per (cached) layout. */
  openingHours: OpeningHours;
  services: ServiceRow[];
  counters: CounterRow[];
}

export const hallNotFound = () => new DomainError('hall_not_found');

export async function findHall(db: Kysely<Database>, id: string): Promise<HallRow> {
  const hall = await db.selectFrom('halls').selectAll().where('id', '=', id).executeTakeFirst();
  if (!hall) throw hallNotFound();
  return hall;
}

/** The hall as access checks need it (hall-access.ts). */
export async function hallRef(db: Kysely<Database>, id: string): Promise<{ id: string; operatorId: string }> {
  const hall = await findHall(db, id);
  return { id: hall.id, operatorId: hall.operator_id };
}

export async function hallLayout(db: Kysely<Database>, id: string): Promise<HallLayout> {
  const hall = await findHall(db, id);
  const services = await db.selectFrom('hall_services').selectAll().where('hall_id', '=', id).orderBy('ticket_prefix').execute();
  const counters = await db.selectFrom('hall_counters').selectAll().where('hall_id', '=', id).orderBy('name').execute();
  const links = await db
    .selectFrom('hall_counter_services as cs')
    .innerJoin('hall_counters as c', 'c.id', 'cs.counter_id')
    .select(['cs.counter_id', 'cs.service_id'])
    .where('c.hall_id', '=', id)
    .execute();
  return {
    hall,
    openingHours: JSON.parse(hall.opening_hours) as OpeningHours,
    services,
    counters: counters.map((c) => ({ ...c, serviceIds: links.filter((l) => l.counter_id === c.id).map((l) => l.service_id) })),
  };
}

/** The operator's halls' ids, oldest first. */
export async function hallIdsOf(db: Kysely<Database>, operatorId: string): Promise<string[]> {
  const rows = await db.selectFrom('halls').select('id').where('operator_id', '=', operatorId).orderBy('created_at').execute();
  return rows.map((r) => r.id);
}

/** Every hall with its time zone. */
export function hallZones(db: Kysely<Database>): Promise<{ id: string; time_zone: string }[]> {
  return db.selectFrom('halls').select(['id', 'time_zone']).execute();
}

export async function insertHall(db: Kysely<Database>, row: HallRow): Promise<void> {
  await db.insertInto('halls').values(row).execute();
}

export async function insertService(db: Kysely<Database>, row: ServiceRow): Promise<void> {
  await db.insertInto('hall_services').values(row).execute();
}

/** Writes a counter with the services it serves. */
export async function insertCounter(db: Kysely<Database>, row: HallCounterTable, serviceIds: readonly string[]): Promise<void> {
  await db.insertInto('hall_counters').values(row).execute();
  if (serviceIds.length > 0)
    await db
      .insertInto('hall_counter_services')
      .values(serviceIds.map((service_id) => ({ counter_id: row.id, service_id })))
      .execute();
}

export function counterOf(layout: HallLayout, counterId: string): CounterRow {
  const counter = layout.counters.find((c) => c.id === counterId);
  if (!counter) throw new DomainError('counter_not_found');
  return counter;
}

export function serviceOf(layout: HallLayout, ref: string): ServiceRow {
  const service = layout.services.find((s) => s.id === ref || s.code === ref);
  if (!service) throw new DomainError('service_not_found', { 'zh-CN': `这个营业厅没有“${ref}”这项业务。`, en: `This hall has no service "${ref}".` });
  return service;
}

/** The counter's hall and its open/closed status, read now. */
export async function counterNow(db: Kysely<Database>, counterId: string): Promise<{ hallId: string; status: 'open' | 'closed' } | undefined> {
  const row = await db.selectFrom('hall_counters').select(['hall_id', 'status']).where('id', '=', counterId).executeTakeFirst();
  return row && { hallId: row.hall_id, status: row.status };
}

/** The hall a counter belongs to. */
export async function hallOfCounter(db: Kysely<Database>, counterId: string): Promise<string> {
  const row = await db.selectFrom('hall_counters').select('hall_id').where('id', '=', counterId).executeTakeFirst();
  if (!row) throw new DomainError('counter_not_found');
  return row.hall_id;
}

export function serviceView(s: ServiceRow) {
  return {
    id: s.id,
    code: s.code,
    name: { 'zh-CN': s.name_zh, en: s.name_en },
    ticketPrefix: s.ticket_prefix,
    defaultServiceSeconds: s.default_service_seconds,
  };
}

export function counterView(c: CounterRow, services: ServiceRow[]) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    services: services.filter((s) => c.serviceIds.includes(s.id)).map((s) => s.code),
  };
}

export function hallView(layout: HallLayout, operatorCode: string) {
  const { hall, services, counters } = layout;
  return {
    id: hall.id,
    operator: operatorCode,
    name: hall.name,
    address: hall.address,
    openingHours: layout.openingHours as Record<string, string[]>,
    timeZone: hall.time_zone,
    maxRecalls: hall.max_recalls,
    services: services.map(serviceView),
    counters: counters.map((c) => counterView(c, services)),
  };
}

/** How long a process reuses a hall's layout: the queue's hot paths read it on every request. */
const LAYOUT_TTL_MS = 2000;

/**
 * Hall layouts cached per process for a moment. The structure (services, prefixes,
 * counters and what they serve) changes rarely; a change made here is seen at once, one
 * made through another process within `LAYOUT_TTL_MS`. Counters' open/closed status is
 * not taken from here where it decides anything: `counterStatuses` reads it live.
 */
export class HallLayouts {
  private readonly cache = new Map<string, { until: number; layout: Promise<HallLayout> }>();

  constructor(private readonly db: Kysely<Database>) {}

  get(id: string): Promise<HallLayout> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.layout;
    const layout = hallLayout(this.db, id);
    this.cache.set(id, { until: now + LAYOUT_TTL_MS, layout });
    layout.catch(() => this.cache.delete(id));
    return layout;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}

/** The hall's counters' open/closed status, read now. */
export async function counterStatuses(db: Kysely<Database>, hallId: string): Promise<Map<string, 'open' | 'closed'>> {
  const rows = await db.selectFrom('hall_counters').select(['id', 'status']).where('hall_id', '=', hallId).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Opens or closes the counters, as of `at`. */
export async function setCounterStatus(db: Kysely<Database>, counterIds: readonly string[], status: 'open' | 'closed', at: string): Promise<void> {
  await db.updateTable('hall_counters').set({ status, status_changed_at: at }).where('id', 'in', counterIds).execute();
}
