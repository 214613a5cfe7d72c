/** An API error in the subscriber's words: never a bare code or a stack trace. */
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

export function explain(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError) || !KNOWN.has(error.code)) return t('errors.unexpected');
  if (error.code === 'too_many_attempts') {
    const seconds = Number(error.details.retryAfter ?? 900);
    return t('errors.too_many_attempts', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  return t(`errors.${error.code}`);
}
