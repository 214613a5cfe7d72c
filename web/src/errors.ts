/**
 * An API error in the reader's words: never a bare code or a stack trace. The codes the
 * pages know have their own text (locales/); any other 4xx shows the server's message,
 * which is in the page's language already (api.ts sends it); a network failure, a 5xx and
 * an answer without a code get the generic sentence.
 */
import type { TFunction } from 'i18next';
import { ApiError } from './api.js';

const KNOWN = new Set([
  'card_not_found',
  'card_recycled',
  'card_blocked',
  'too_many_attempts',
  'coupon_unknown',
  'coupon_expired',
  'coupon_not_applicable',
  'coupon_exhausted',
  'period_too_short',
  'plan_not_available',
  'payment_method_unavailable',
  'order_not_found',
  'network',
  'credentials_invalid',
  'unauthorized',
  'forbidden',
  'csrf_invalid',
  'ticket_state_invalid',
  'ticket_not_found',
  'ticket_exists',
  'hall_closed',
  'counter_closed',
  'shift_not_open',
  'shift_already_open',
  'cash_insufficient',
  'void_refused',
  'invoice_exists',
  'hall_not_found',
  'service_not_found',
]);

/** Whose message is no help to the reader: a failure on our side, or no answer at all. */
const GENERIC = new Set(['network', 'unexpected', 'internal_error']);

export function explain(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (!KNOWN.has(error.code)) {
    const serverSays = !GENERIC.has(error.code) && error.status < 500 && error.message.trim() !== '';
    return serverSays ? error.message : t('errors.unexpected');
  }
  if (error.code === 'too_many_attempts') {
    const seconds = Number(error.details.retryAfter ?? 900);
    return t('errors.too_many_attempts', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  return t(`errors.${error.code}`);
}
