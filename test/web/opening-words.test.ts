import { describe, expect, it } from 'vitest';
import { openingWords } from '../../web/src/hall/hall-day.js';

describe('the join page’s opening time', () => {
  it('names the weekday and time in the hall’s zone, in the reader’s language', () => {
    // Monday 30 November 2026, 09:00 in Shanghai; still Sunday in New York.
    expect(openingWords('2026-11-30T01:00:00Z', 'Asia/Shanghai', 'en')).toBe('Mon 09:00');
    expect(openingWords('2026-11-30T01:00:00Z', 'Asia/Shanghai', 'zh-CN')).toBe('周一09:00');
    expect(openingWords('2026-11-30T01:00:00Z', 'America/New_York', 'en')).toBe('Sun 20:00');
  });
});
