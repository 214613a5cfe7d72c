import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketPriority } from '../../../src/db/hall-schema.js';
import {
  compareQueued,
  estimateWaitSeconds,
  median,
  nextForCounter,
  nextSequence,
  peopleAhead,
  percentile,
  type QueuedTicket,
  ticketDay,
  ticketNumber,
  transition,
} from '../../../src/hall/queue/queue-rules.js';

/** An independent oracle for the local date: Intl's formatter, not Temporal. */
const intlDay = (zone: string, at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

describe('ticket numbers and their local day', () => {
  it('formats prefix + at least 3 digits', () => {
    expect(ticketNumber('A', 23)).toBe('A023');
    expect(ticketNumber('B', 1)).toBe('B001');
    expect(ticketNumber('VIP', 1000)).toBe('VIP1000');
  });

  it('restarts at local midnight in the hall’s zone, not UTC’s', () => {
    // 23:59:59 and 00:00:00 in Shanghai are 15:59:59 and 16:00:00 UTC.
    expect(ticketDay('Asia/Shanghai', new Date('2026-11-24T15:59:59Z'))).toBe('2026-11-24');
    expect(ticketDay('Asia/Shanghai', new Date('2026-11-24T16:00:00Z'))).toBe('2026-11-25');
    expect(nextSequence({ day: '2026-11-24', value: 41 }, '2026-11-24')).toBe(42);
    expect(nextSequence({ day: '2026-11-24', value: 41 }, '2026-11-25')).toBe(1);
    expect(nextSequence(undefined, '2026-11-25')).toBe(1);
  });

  it('has 23- and 25-hour days across DST (Europe/Berlin, America/New_York)', () => {
    // Berlin springs forward on 2027-03-28 at 02:00 local (01:00 UTC): the day starts at 23:00 UTC the day before.
    expect(ticketDay('Europe/Berlin', new Date('2027-03-27T22:59:59Z'))).toBe('2027-03-27');
    expect(ticketDay('Europe/Berlin', new Date('2027-03-27T23:00:00Z'))).toBe('2027-03-28');
    expect(ticketDay('Europe/Berlin', new Date('2027-03-28T21:59:59Z'))).toBe('2027-03-28');
    expect(ticketDay('Europe/Berlin', new Date('2027-03-28T22:00:00Z'))).toBe('2027-03-29');
    // New York falls back on 2026-11-01: that local day lasts 25 hours.
    expect(ticketDay('America/New_York', new Date('2026-11-01T04:00:00Z'))).toBe('2026-11-01');
    expect(ticketDay('America/New_York', new Date('2026-11-02T04:59:59Z'))).toBe('2026-11-01');
    expect(ticketDay('America/New_York', new Date('2026-11-02T05:00:00Z'))).toBe('2026-11-02');
  });

  it('agrees with an independent oracle at every instant, and sequences restart exactly when the day changes', () => {
    const zones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2029-12-31T00:00:00Z') }),
        fc.array(fc.integer({ min: 1, max: 6 * 3600_000 }), { minLength: 1, maxLength: 30 }),
        (zone, start, steps) => {
          let at = start;
          let last: { day: string; value: number } | undefined;
          for (const step of steps) {
            const day = ticketDay(zone, new Date(at));
            expect(day).toBe(intlDay(zone, new Date(at)));
            const value = nextSequence(last, day);
            expect(value).toBe(last && last.day === day ? last.value + 1 : 1);
            last = { day, value };
            at += step;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const ticket = (id: string, fields: Partial<QueuedTicket> = {}): QueuedTicket => ({
  id,
  serviceId: 'renew',
  priority: 'none',
  queuedAt: '2026-11-24T02:00:00.000Z',
  targetCounterId: null,
  sequence: Number(id.replace(/\D/g, '')) || 0,
  ...fields,
});

describe('queue order', () => {
  it('calls priority tickets first, then first come first served, only of the counter’s services', () => {
    const waiting = [
      ticket('t1', { queuedAt: '2026-11-24T02:00:00.000Z' }),
      ticket('t2', { queuedAt: '2026-11-24T02:01:00.000Z', priority: 'elderly' }),
      ticket('t3', { queuedAt: '2026-11-24T01:00:00.000Z', serviceId: 'sim' }),
      ticket('t4', { queuedAt: '2026-11-24T02:02:00.000Z', priority: 'appointment' }),
    ];
    expect(nextForCounter(waiting, 'c1', ['renew'])?.id).toBe('t2');
    expect(nextForCounter(waiting, 'c1', ['sim'])?.id).toBe('t3');
    expect(nextForCounter(waiting, 'c1', ['renew', 'sim'])?.id).toBe('t2');
    expect(
      nextForCounter(
        waiting.filter((t) => t.priority === 'none'),
        'c1',
        ['renew', 'sim'],
      )?.id,
    ).toBe('t3');
    expect(nextForCounter(waiting, 'c1', ['enquiry'])).toBeUndefined();
  });

  it('leaves a ticket transferred to one counter to that counter', () => {
    const waiting = [ticket('t1', { targetCounterId: 'c2', queuedAt: '2026-11-24T01:00:00.000Z' }), ticket('t2')];
    expect(nextForCounter(waiting, 'c1', ['renew'])?.id).toBe('t2');
    expect(nextForCounter(waiting, 'c2', ['renew'])?.id).toBe('t1');
  });

  const priorityArb = fc.constantFrom<TicketPriority>('none', 'none', 'none', 'elderly', 'disabled', 'appointment');
  const queueArb = fc.uniqueArray(
    fc.record({
      sequence: fc.integer({ min: 1, max: 999 }),
      priority: priorityArb,
      minute: fc.integer({ min: 0, max: 600 }),
      serviceId: fc.constantFrom('renew', 'sim', 'enquiry'),
    }),
    { selector: (t) => t.sequence, maxLength: 40 },
  );
  const toTickets = (rows: { sequence: number; priority: TicketPriority; minute: number; serviceId: string }[]) =>
    rows.map((r) =>
      ticket(`t${r.sequence}`, { ...r, queuedAt: new Date(Date.parse('2026-11-24T00:00:00Z') + r.minute * 60_000).toISOString(), sequence: r.sequence }),
    );

  it('calling until empty serves every ticket once, priority ones first, each class in queue order', () => {
    fc.assert(
      fc.property(queueArb, (rows) => {
        let waiting = toTickets(rows);
        const called: QueuedTicket[] = [];
        for (let next = nextForCounter(waiting, 'c1', ['renew', 'sim', 'enquiry']); next; next = nextForCounter(waiting, 'c1', ['renew', 'sim', 'enquiry'])) {
          called.push(next);
          waiting = waiting.filter((t) => t.id !== next?.id);
        }
        expect(called.length).toBe(rows.length);
        for (let i = 1; i < called.length; i++) expect(compareQueued(called[i - 1] as QueuedTicket, called[i] as QueuedTicket)).toBeLessThan(0);
        const firstPlain = called.findIndex((t) => t.priority === 'none');
        if (firstPlain >= 0) expect(called.slice(firstPlain).every((t) => t.priority === 'none')).toBe(true);
      }),
    );
  });

  it('people ahead is the ticket’s position among its service’s tickets in call order', () => {
    fc.assert(
      fc.property(queueArb, (rows) => {
        const waiting = toTickets(rows);
        for (const service of ['renew', 'sim', 'enquiry']) {
          const ordered = waiting.filter((t) => t.serviceId === service).sort(compareQueued);
          ordered.forEach((t, i) => {
            expect(peopleAhead(waiting, t)).toBe(i);
          });
        }
      }),
    );
  });
});

describe('ticket transitions', () => {
  it('recalls up to the limit, then only a no-show; a no-show rejoins with recalls reset', () => {
    let state = { status: 'waiting' as const, recalls: 0 } as { status: any; recalls: number };
    const step = (action: Parameters<typeof transition>[1]) => {
      const t = transition(state, action, 2);
      if (!t.ok) throw new Error(t.reason.en);
      state = { status: t.status, recalls: t.recalls };
      return state;
    };
    expect(step('call')).toEqual({ status: 'called', recalls: 0 });
    expect(transition(state, 'no_show', 2)).toMatchObject({ ok: false });
    expect(step('recall')).toEqual({ status: 'called', recalls: 1 });
    expect(step('recall')).toEqual({ status: 'called', recalls: 2 });
    expect(transition(state, 'recall', 2)).toMatchObject({ ok: false });
    expect(step('no_show')).toEqual({ status: 'no_show', recalls: 2 });
    expect(transition(state, 'call', 2)).toMatchObject({ ok: false });
    expect(step('rejoin')).toEqual({ status: 'waiting', recalls: 0 });
  });

  it('finishes only called or served tickets; transfers send them back to waiting', () => {
    expect(transition({ status: 'waiting', recalls: 0 }, 'finish', 2).ok).toBe(false);
    expect(transition({ status: 'serving', recalls: 0 }, 'finish', 2)).toEqual({ ok: true, status: 'done', recalls: 0 });
    expect(transition({ status: 'called', recalls: 1 }, 'transfer', 2)).toEqual({ ok: true, status: 'waiting', recalls: 0 });
    expect(transition({ status: 'done', recalls: 0 }, 'transfer', 2).ok).toBe(false);
    expect(transition({ status: 'no_show', recalls: 2 }, 'start', 2).ok).toBe(false);
  });

  it('a rejoined no-show is called after everyone of its class already waiting', () => {
    const rowArb = fc.uniqueArray(
      fc.record({
        sequence: fc.integer({ min: 1, max: 999 }),
        minute: fc.integer({ min: 0, max: 600 }),
        priority: fc.constantFrom<TicketPriority>('none', 'elderly'),
      }),
      { selector: (t) => t.sequence, maxLength: 30 },
    );
    fc.assert(
      fc.property(rowArb, fc.constantFrom<TicketPriority>('none', 'elderly'), (rows, priority) => {
        const base = Date.parse('2026-11-24T00:00:00Z');
        let waiting = rows.map((r) =>
          ticket(`t${r.sequence}`, { sequence: r.sequence, priority: r.priority, queuedAt: new Date(base + r.minute * 60_000).toISOString() }),
        );
        // It rejoins now, after every ticket above was queued: its place is its rejoin time.
        const rejoined = ticket('t0', { sequence: 0, priority, queuedAt: new Date(base + 601 * 60_000).toISOString() });
        waiting = [...waiting, rejoined];
        const order: string[] = [];
        for (let next = nextForCounter(waiting, 'c1', ['renew']); next; next = nextForCounter(waiting, 'c1', ['renew'])) {
          order.push(next.id);
          waiting = waiting.filter((t) => t.id !== next?.id);
        }
        const sameClass = rows.filter((r) => (r.priority !== 'none') === (priority !== 'none')).length;
        const position = order.indexOf('t0');
        const before = priority === 'none' ? rows.length : sameClass;
        expect(position).toBe(before);
      }),
    );
  });

  it('never leaves a terminal state except a no-show’s rejoin', () => {
    const actions = ['call', 'recall', 'no_show', 'rejoin', 'start', 'finish', 'transfer', 'cancel'] as const;
    fc.assert(
      fc.property(fc.constantFrom('done', 'cancelled', 'no_show', 'transferred'), fc.constantFrom(...actions), fc.nat(5), (status, action, recalls) => {
        const t = transition({ status: status as any, recalls }, action, 2);
        expect(t.ok).toBe(status === 'no_show' && action === 'rejoin');
      }),
    );
  });
});

describe('wait estimate and statistics', () => {
  it('is the median service time × people ahead ÷ open counters, rounded up', () => {
    expect(estimateWaitSeconds({ recentServiceSeconds: [300, 100, 200], defaultServiceSeconds: 999, peopleAhead: 4, openCounters: 3 })).toBe(267);
    expect(estimateWaitSeconds({ recentServiceSeconds: [], defaultServiceSeconds: 240, peopleAhead: 2, openCounters: 1 })).toBe(480);
    expect(estimateWaitSeconds({ recentServiceSeconds: [60], defaultServiceSeconds: 240, peopleAhead: 0, openCounters: 2 })).toBe(0);
    expect(estimateWaitSeconds({ recentServiceSeconds: [60], defaultServiceSeconds: 240, peopleAhead: 5, openCounters: 0 })).toBeNull();
  });

  it('grows with people ahead and shrinks with open counters', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3600 }), { maxLength: 20 }), fc.nat(50), fc.integer({ min: 1, max: 10 }), (times, ahead, counters) => {
        const at = (a: number, c: number) =>
          estimateWaitSeconds({ recentServiceSeconds: times, defaultServiceSeconds: 300, peopleAhead: a, openCounters: c }) as number;
        expect(at(ahead + 1, counters)).toBeGreaterThanOrEqual(at(ahead, counters));
        expect(at(ahead, counters + 1)).toBeLessThanOrEqual(at(ahead, counters));
        expect(at(ahead, counters)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('median and p90 (nearest rank)', () => {
    expect(median([])).toBeUndefined();
    expect(median([5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 50 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const p90 = percentile(values, 90) as number;
        const m = median(values) as number;
        expect(sorted.filter((v) => v <= p90).length / values.length).toBeGreaterThanOrEqual(0.9);
        expect(sorted.filter((v) => v < p90).length / values.length).toBeLessThan(0.9);
        expect(m).toBeGreaterThanOrEqual(sorted[0] as number);
        expect(m).toBeLessThanOrEqual(sorted.at(-1) as number);
        expect(p90).toBeGreaterThanOrEqual(Math.floor(m));
      }),
    );
  });
});
