import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CashMovement, cashDifference, changeDue, figures, figuresBy, type TicketFacts, tallyShift } from '../../../src/hall/shifts/shift-rules.js';

describe('shift arithmetic', () => {
  it('expected cash = float + cash takings − change − voids', () => {
    const tally = tallyShift(50_000, [
      { tendered: 1000, change: 200, voided: false },
      { tendered: 10_000, change: 1200, voided: false },
      { tendered: 800, change: 0, voided: true },
    ]);
    expect(tally).toEqual({ float: 50_000, cashTakings: 11_800, change: 1400, voids: 800, expected: 59_600 });
    expect(cashDifference(tally.expected, 59_500)).toBe(-100);
    expect(cashDifference(tally.expected, 59_600)).toBe(0);
  });

  it('change due is what was tendered beyond the total; too little is refused', () => {
    expect(changeDue(800, 1000)).toBe(200);
    expect(changeDue(800, 800)).toBe(0);
    expect(changeDue(800, 799)).toBeUndefined();
  });

  it('the drawer holds the float plus the totals of the renewals that were not voided', () => {
    const sale = fc.record({ total: fc.integer({ min: 0, max: 100_000 }), extra: fc.integer({ min: 0, max: 10_000 }), voided: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(sale, { maxLength: 30 }), (float, sales) => {
        const movements: CashMovement[] = sales.map((s) => ({
          tendered: s.total + s.extra,
          change: changeDue(s.total, s.total + s.extra) as number,
          voided: s.voided,
        }));
        const tally = tallyShift(float, movements);
        const kept = sales.filter((s) => !s.voided).reduce((sum, s) => sum + s.total, 0);
        expect(tally.expected).toBe(float + kept);
        expect(cashDifference(tally.expected, tally.expected)).toBe(0);
      }),
    );
  });
});

const facts = (fields: Partial<TicketFacts>): TicketFacts => ({
  serviceId: 'renew',
  counterId: 'c1',
  clerkId: 's1',
  day: '2026-11-24',
  status: 'done',
  issuedAt: '2026-11-24T02:00:00Z',
  firstCalledAt: '2026-11-24T02:05:00Z',
  calledAt: '2026-11-24T02:05:00Z',
  startedAt: '2026-11-24T02:06:00Z',
  finishedAt: '2026-11-24T02:10:00Z',
  ...fields,
});

describe('statistics', () => {
  it('counts tickets, served and no-shows, with wait and service medians and p90', () => {
    const all = [
      facts({}),
      facts({ firstCalledAt: '2026-11-24T02:01:00Z', startedAt: null, calledAt: '2026-11-24T02:01:00Z', finishedAt: '2026-11-24T02:03:00Z' }),
      facts({ status: 'no_show', firstCalledAt: '2026-11-24T02:09:00Z', startedAt: null, finishedAt: null, counterId: 'c2' }),
      facts({ status: 'waiting', firstCalledAt: null, calledAt: null, startedAt: null, finishedAt: null, counterId: null, clerkId: null, serviceId: 'sim' }),
    ];
    expect(figures(all)).toEqual({
      tickets: 4,
      served: 2,
      noShows: 1,
      waitSeconds: { median: 300, p90: 540 },
      serviceSeconds: { median: 180, p90: 240 },
    });
    const byCounter = figuresBy(all, (t) => t.counterId);
    expect(Object.keys(byCounter)).toEqual(['c1', 'c2']);
    expect(byCounter.c2?.noShows).toBe(1);
    expect(figuresBy(all, (t) => t.serviceId).sim?.waitSeconds).toEqual({ median: null, p90: null });
  });
});
