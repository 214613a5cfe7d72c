/** What the pages say for an API error: their own words for the codes they know, else the server's, never a raw failure. */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api.js';
import { explain } from '../../web/src/errors.js';

// The key, and the minutes where there are some: enough to tell which text was chosen.
const t = ((key: string, options?: { minutes?: number }) => (options?.minutes === undefined ? key : `${key}(${options.minutes})`)) as unknown as TFunction;

describe('explain', () => {
  it('says a known code in the page’s own words', () => {
    expect(explain(new ApiError('card_not_found', 'whatever the server said', {}, 404), t)).toBe('errors.card_not_found');
    expect(explain(new ApiError('too_many_attempts', '…', { retryAfter: 61 }, 429), t)).toBe('errors.too_many_attempts(2)');
  });

  it('shows the server’s message, already in the page’s language, for a code the pages do not know', () => {
    expect(explain(new ApiError('staff_exists', '用户名“li”已被使用。', {}, 409), t)).toBe('用户名“li”已被使用。');
    expect(explain(new ApiError('invalid_request', 'iccid: an ICCID has 19 or 20 digits', { fields: ['/iccid'] }, 400), t)).toBe(
      'iccid: an ICCID has 19 or 20 digits',
    );
  });

  it('keeps its own sentence for a network failure', () => {
    expect(explain(new ApiError('network', 'network'), t)).toBe('errors.network');
  });

  it('keeps the generic sentence for a failure on the server’s side, and an answer without a code or words', () => {
    expect(explain(new ApiError('internal_error', 'Something went wrong on our side; the request can be retried.', {}, 500), t)).toBe('errors.unexpected');
    expect(explain(new ApiError('database_unavailable', '服务暂时不可用，请稍后重试。', {}, 503), t)).toBe('errors.unexpected');
    expect(explain(new ApiError('unexpected', 'Bad Gateway', {}, 502), t)).toBe('errors.unexpected');
    expect(explain(new ApiError('unexpected', 'Not Found', {}, 404), t)).toBe('errors.unexpected');
    expect(explain(new ApiError('staff_exists', '  ', {}, 409), t)).toBe('errors.unexpected');
    expect(explain(new Error('boom'), t)).toBe('errors.unexpected');
  });
});
