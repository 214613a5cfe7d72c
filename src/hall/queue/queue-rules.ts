/**
 * The queue's rules, pure: ticket numbers and the local day they belong to, the order in
 * which a counter calls tickets, what recall / no-show / rejoin / transfer do to a ticket,
 * and the wait estimate. No I/O and no clock: `now` is an argument.
 */
import { todayIn } from '../../cards/calendar.js';
import type { TicketPriority, TicketStatus } from '../../db/hall-schema.js';
import type { Text } from '../../shared/errors.js';

/** The local day (in the hall's zone) whose sequence a ticket issued at `now` takes. */
export function ticketDay(timeZone: string, now: Date): string {
  return todayIn(timeZone, now);
}

/** Prefix + sequence, at least 3 digits: `A023`, `A1000`. */
export function ticketNumber(prefix: string, sequence: number): string {
  return `${prefix}${String(sequence).padStart(3, '0')}`;
}

/** The sequence after the last one issued: it restarts at 1 on a new local day. */
export function nextSequence(last: { day: string; value: number } | undefined, day: string): number {
  return last && last.day === day ? last.value + 1 : 1;
}

/** What the ordering needs of a waiting ticket. */
export interface QueuedTicket {
  id: string;
  serviceId: string;
  priority: TicketPriority;
  /** ISO instant: its place in the queue (issue time, or the time it rejoined). */
  queuedAt: string;
  /** Set when the ticket was transferred to one counter: only that counter calls it. */
  targetCounterId: string | null;
  /** Tie-breaker for tickets queued in the same millisecond. */
  sequence: number;
}

const isPriority = (t: QueuedTicket) => t.priority !== 'none';

/** Priority tickets (elderly, disabled, appointment) first, then first come, first served. */
export function compareQueued(a: QueuedTicket, b: QueuedTicket): number {
  if (isPriority(a) !== isPriority(b)) return isPriority(a) ? -1 : 1;
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? -1 : 1;
  if (a.sequence !== b.sequence) return a.sequence - b.sequence;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The ticket a counter serving `serviceIds` calls next, or undefined when none waits for it. */
export function nextForCounter<T extends QueuedTicket>(waiting: readonly T[], counterId: string, serviceIds: readonly string[]): T | undefined {
  let best: T | undefined;
  for (const t of waiting) {
    if (!serviceIds.includes(t.serviceId)) continue;
    if (t.targetCounterId !== null && t.targetCounterId !== counterId) continue;
    if (!best || compareQueued(t, best) < 0) best = t;
  }
  return best;
}

/** How many waiting tickets of the same service would be called before `ticket`. */
export function peopleAhead(waiting: readonly QueuedTicket[], ticket: QueuedTicket): number {
  return waiting.filter((t) => t.id !== ticket.id && t.serviceId === ticket.serviceId && compareQueued(t, ticket) < 0).length;
}

/** A ticket's state as the console actions change it. */
export interface TicketState {
  status: TicketStatus;
  recalls: number;
}

export type TicketAction = 'call' | 'recall' | 'no_show' | 'rejoin' | 'start' | 'finish' | 'transfer' | 'cancel';

/** A refusal's reason in each language: the console shows it to the clerk. */
export type Transition = { ok: true; status: TicketStatus; recalls: number } | { ok: false; reason: Text };

const refuse = (zh: string, en: string): Transition => ({ ok: false, reason: { 'zh-CN': zh, en } });

/**
 * What an action does. A called ticket may be recalled `maxRecalls` times; after that it
 * can only be marked a no-show (or still be served if the customer turns up). A no-show
 * may rejoin, at the back of the queue, with its recalls counted afresh.
 */
export function transition(state: TicketState, action: TicketAction, maxRecalls: number): Transition {
  const { status, recalls } = state;
  switch (action) {
    case 'call':
      return status === 'waiting' ? { ok: true, status: 'called', recalls: 0 } : refuse('只有等候中的号码可以叫号', 'only a waiting ticket can be called');
    case 'recall':
      if (status !== 'called') return refuse('只有已叫号的号码可以重呼', 'only a called ticket can be recalled');
      if (recalls >= maxRecalls) return refuse(`已重呼 ${recalls} 次，请标记为过号`, `recalled ${recalls} times already: mark it a no-show`);
      return { ok: true, status: 'called', recalls: recalls + 1 };
    case 'no_show':
      if (status !== 'called') return refuse('只有已叫号的号码可以标记为过号', 'only a called ticket can be a no-show');
      if (recalls < maxRecalls) return refuse(`请先重呼（已重呼 ${recalls}/${maxRecalls} 次）`, `recall it first (${recalls} of ${maxRecalls} recalls made)`);
      return { ok: true, status: 'no_show', recalls };
    case 'rejoin':
      return status === 'no_show' ? { ok: true, status: 'waiting', recalls: 0 } : refuse('只有过号的号码可以重新排队', 'only a no-show can rejoin the queue');
    case 'start':
      return status === 'called' ? { ok: true, status: 'serving', recalls } : refuse('只有已叫号的号码可以开始办理', 'only a called ticket can be served');
    case 'finish':
      return status === 'called' || status === 'serving'
        ? { ok: true, status: 'done', recalls }
        : refuse('只有已叫号或办理中的号码可以办理完毕', 'only a called or served ticket can be finished');
    case 'transfer':
      // The ticket goes back to waiting, for another service or counter, keeping its place in time.
      return status === 'called' || status === 'serving' || status === 'waiting'
        ? { ok: true, status: 'waiting', recalls: 0 }
        : refuse('只有等候中、已叫号或办理中的号码可以转移', 'only a waiting, called or served ticket can be transferred');
    case 'cancel':
      return status === 'waiting' ? { ok: true, status: 'cancelled', recalls } : refuse('只有等候中的号码可以取消', 'only a waiting ticket can be cancelled');
  }
}

/** The median of the values (the mean of the middle two for an even count); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile by the nearest-rank method (p90: the smallest value ≥ 90 % of them). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface WaitInput {
  /** Service times (seconds) of the service's last finished tickets, newest first. */
  recentServiceSeconds: readonly number[];
  /** The service's own default until it has history. */
  defaultServiceSeconds: number;
  peopleAhead: number;
  /** Open counters serving the service. */
  openCounters: number;
}

/**
 * Estimated wait in seconds: the median service time × people ahead ÷ open counters
 * serving the service, rounded up; null when no open counter serves it (no estimate).
 */
export function estimateWaitSeconds(input: WaitInput): number | null {
  if (input.openCounters <= 0) return null;
  const perTicket = median(input.recentServiceSeconds) ?? input.defaultServiceSeconds;
  return Math.ceil((perTicket * input.peopleAhead) / input.openCounters);
}

/** How many finished tickets the wait estimate looks at. */
export const ESTIMATE_WINDOW = 20;
/** A remote ticket with a phone gets an SMS once this many people (or fewer) are ahead. */
export const NEAR_AHEAD = 3;
