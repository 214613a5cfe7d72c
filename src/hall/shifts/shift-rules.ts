/**
 * Cash shift arithmetic and hall statistics, pure. A clerk's drawer starts with a float;
 * cash renewals add what was tendered and remove the change given; a void hands the
 * renewal's total back. The counted cash at the close is compared with that.
 */
import type { TicketStatus } from '../../db/hall-schema.js';
import { median, percentile } from '../queue/queue-rules.js';

export interface CashMovement {
  /** Cash handed over by the customer (minor units). */
  tendered: number;
  /** Change handed back. */
  change: number;
  /** True when the renewal was voided: its total left the drawer again. */
  voided: boolean;
}

export interface ShiftTally {
  float: number;
  cashTakings: number;
  change: number;
  voids: number;
  expected: number;
}

/** Expected cash = float + cash takings − change − voids (voids refund the renewal's total). */
export function tallyShift(float: number, movements: readonly CashMovement[]): ShiftTally {
  let cashTakings = 0;
  let change = 0;
  let voids = 0;
  for (const m of movements) {
    cashTakings += m.tendered;
    change += m.change;
    if (m.voided) voids += m.tendered - m.change;
  }
  return { float, cashTakings, change, voids, expected: float + cashTakings - change - voids };
}

/** Counted − expected: positive is a surplus, negative a shortfall. */
export function cashDifference(expected: number, counted: number): number {
  return counted - expected;
}

/** Change due for cash tendered against a total, or undefined when too little was tendered. */
export function changeDue(total: number, tendered: number): number | undefined {
  return tendered >= total ? tendered - total : undefined;
}

/** A ticket as statistics see it (instants as ISO text). */
export interface TicketFacts {
  serviceId: string;
  counterId: string | null;
  clerkId: string | null;
  day: string;
  status: TicketStatus;
  issuedAt: string;
  firstCalledAt: string | null;
  startedAt: string | null;
  calledAt: string | null;
  finishedAt: string | null;
}

export interface Figures {
  tickets: number;
  served: number;
  noShows: number;
  waitSeconds: { median: number | null; p90: number | null };
  serviceSeconds: { median: number | null; p90: number | null };
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** Waiting: issue → first call. */
export function waitSecondsOf(t: TicketFacts): number | undefined {
  return t.firstCalledAt ? seconds(t.issuedAt, t.firstCalledAt) : undefined;
}

/** Service: start at the counter (or the last call when it was never started) → finish. */
export function serviceSecondsOf(t: Pick<TicketFacts, 'status' | 'startedAt' | 'calledAt' | 'finishedAt'>): number | undefined {
  const from = t.startedAt ?? t.calledAt;
  return t.status === 'done' && from && t.finishedAt ? seconds(from, t.finishedAt) : undefined;
}

export function figures(tickets: readonly TicketFacts[]): Figures {
  const waits = tickets.flatMap((t) => waitSecondsOf(t) ?? []);
  const services = tickets.flatMap((t) => serviceSecondsOf(t) ?? []);
  return {
    tickets: tickets.length,
    served: tickets.filter((t) => t.status === 'done').length,
    noShows: tickets.filter((t) => t.status === 'no_show').length,
    waitSeconds: { median: median(waits) ?? null, p90: percentile(waits, 90) ?? null },
    serviceSeconds: { median: median(services) ?? null, p90: percentile(services, 90) ?? null },
  };
}

/** Figures per key (service, counter, clerk or day); tickets without the key are left out. */
export function figuresBy(tickets: readonly TicketFacts[], key: (t: TicketFacts) => string | null): Record<string, Figures> {
  const groups = new Map<string, TicketFacts[]>();
  for (const t of tickets) {
    const k = key(t);
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, group]) => [k, figures(group)]));
}
