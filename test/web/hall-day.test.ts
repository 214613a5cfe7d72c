/** The statistics page's "today": the hall's local day, against the server's own zone arithmetic (Temporal). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { todayIn } from '../../src/cards/calendar.js';
import { hallToday } from '../../web/src/hall/hall-day.js';

describe('hallToday', () => {
  it('is already tomorrow in Shanghai while UTC is still on the evening before', () => {
    const now = new Date('2026-11-24T17:30:00Z');
    expect(now.toISOString().slice(0, 10)).toBe('2026-11-24');
    expect(hallToday('Asia/Shanghai', now)).toBe('2026-11-25');
  });

  it('is still yesterday west of UTC, and turns the year with the hall', () => {
    expect(hallToday('America/Los_Angeles', new Date('2026-11-25T03:00:00Z'))).toBe('2026-11-24');
    expect(hallToday('Asia/Shanghai', new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(hallToday('Asia/Shanghai', new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('agrees with the server’s local day for any instant and zone', () => {
    const zones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'Europe/London', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, zone) => {
          expect(hallToday(zone, now)).toBe(todayIn(zone, now));
        },
      ),
    );
  });
});
