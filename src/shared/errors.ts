/**
 * Domain errors: a small set of stable snake_case codes, mapped to an HTTP status here and
 * nowhere else. Services throw these; the HTTP layer turns them into
 * `{"error": {"code", "message", "details"}}`.
 */

export const errorStatus = {
  invalid_request: 400,
  idempotency_key_required: 400,
  signature_missing: 400,
  signature_invalid: 400,
  signature_expired: 400,
  unauthorized: 401,
  code_invalid: 401,
  code_expired: 401,
  credentials_invalid: 401,
  forbidden: 403,
  csrf_invalid: 403,
  not_found: 404,
  card_not_found: 404,
  operator_not_found: 404,
  plan_not_found: 404,
  promotion_not_found: 404,
  order_not_found: 404,
  message_not_found: 404,
  webhook_not_found: 404,
  payment_not_found: 404,
  receipt_not_found: 404,
  link_invalid: 404,
  hall_not_found: 404,
  service_not_found: 404,
  counter_not_found: 404,
  staff_not_found: 404,
  ticket_not_found: 404,
  shift_not_found: 404,
  invoice_not_found: 404,
  card_exists: 409,
  card_recycled: 409,
  card_blocked: 409,
  card_not_blocked: 409,
  operator_exists: 409,
  plan_exists: 409,
  promotion_exists: 409,
  order_not_pending: 409,
  idempotency_key_in_progress: 409,
  staff_exists: 409,
  service_exists: 409,
  counter_exists: 409,
  counter_closed: 409,
  ticket_state_invalid: 409,
  ticket_exists: 409,
  hall_closed: 409,
  shift_not_open: 409,
  shift_already_open: 409,
  shift_not_pending: 409,
  void_refused: 409,
  invoice_exists: 409,
  link_expired: 410,
  period_too_short: 422,
  plan_not_available: 422,
  payment_method_unavailable: 422,
  payment_provider_invalid: 422,
  coupon_unknown: 422,
  coupon_expired: 422,
  coupon_not_applicable: 422,
  coupon_exhausted: 422,
  idempotency_key_reused: 422,
  cash_insufficient: 422,
  too_many_attempts: 429,
  payment_provider_error: 502,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const cardNotFound = () => new DomainError('card_not_found', 'No card matches this phone number and SIM serial.');
