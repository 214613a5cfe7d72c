/**
 * The error catalogue: every stable snake_case code the API answers with, declared once
 * with its HTTP status and its message in Chinese and in English. Services throw
 * `DomainError`s by code, optionally with a message of their own that says more (in both
 * languages); the HTTP layer answers `{"error": {"code", "message", "details"}}` in the
 * caller's language (src/http/errors.ts).
 *
 * A message may name `{placeholders}`, filled from the error's details; `{minutes}` is the
 * details' `retryAfter` (seconds) in whole minutes.
 */

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** A text in each language the API speaks. */
export type Text = Record<Language, string>;

interface Entry {
  status: number;
  message: Text;
}

export const errorCatalogue = {
  // 400: the request itself is wrong.
  invalid_request: { status: 400, message: { 'zh-CN': '请求内容有误，请检查标出的字段。', en: 'The request is invalid: check the fields named.' } },
  idempotency_key_required: {
    status: 400,
    message: { 'zh-CN': '请在 Idempotency-Key 请求头中附上本次请求的唯一标识。', en: 'Send an Idempotency-Key header that names this request.' },
  },
  signature_missing: { status: 400, message: { 'zh-CN': '请求缺少签名。', en: 'The request is not signed.' } },
  signature_invalid: { status: 400, message: { 'zh-CN': '请求签名无效。', en: 'The request’s signature is not valid.' } },
  signature_expired: { status: 400, message: { 'zh-CN': '请求签名已过期。', en: 'The request’s signature has expired.' } },

  // 401 and 403: who may ask.
  unauthorized: { status: 401, message: { 'zh-CN': '请先登录。', en: 'Please sign in first.' } },
  code_invalid: { status: 401, message: { 'zh-CN': '验证码不正确。', en: 'The code is not right.' } },
  code_expired: { status: 401, message: { 'zh-CN': '验证码已过期，请重新获取。', en: 'The code has expired: ask for a new one.' } },
  credentials_invalid: { status: 401, message: { 'zh-CN': '用户名或密码不正确。', en: 'Wrong username or password.' } },
  forbidden: { status: 403, message: { 'zh-CN': '您没有权限进行此操作。', en: 'You may not do this.' } },
  csrf_invalid: { status: 403, message: { 'zh-CN': '会话已失效，请刷新页面后重试。', en: 'Your session has expired: reload the page and try again.' } },

  // 404: nothing by that name.
  not_found: { status: 404, message: { 'zh-CN': '找不到所请求的内容。', en: 'Nothing was found here.' } },
  card_not_found: {
    status: 404,
    message: {
      'zh-CN': '该号码与序列号不匹配我们已知的任何卡，请核对后重试。',
      en: "This number and serial don't match a card we know. Check both and try again.",
    },
  },
  operator_not_found: { status: 404, message: { 'zh-CN': '找不到该运营商。', en: 'No such operator.' } },
  plan_not_found: { status: 404, message: { 'zh-CN': '找不到该套餐。', en: 'No such package.' } },
  promotion_not_found: { status: 404, message: { 'zh-CN': '找不到该优惠活动。', en: 'No such promotion.' } },
  order_not_found: { status: 404, message: { 'zh-CN': '找不到该订单。', en: 'No order was found.' } },
  message_not_found: { status: 404, message: { 'zh-CN': '找不到该消息。', en: 'No such message.' } },
  webhook_not_found: { status: 404, message: { 'zh-CN': '找不到该 Webhook 端点。', en: 'No such webhook endpoint.' } },
  payment_not_found: { status: 404, message: { 'zh-CN': '找不到该笔支付。', en: 'No such payment.' } },
  receipt_not_found: { status: 404, message: { 'zh-CN': '找不到该收据。', en: 'No such receipt.' } },
  link_invalid: { status: 404, message: { 'zh-CN': '该链接无效。', en: 'This link is not valid.' } },
  hall_not_found: { status: 404, message: { 'zh-CN': '找不到这个营业厅。', en: 'This service hall was not found.' } },
  service_not_found: { status: 404, message: { 'zh-CN': '找不到这项业务。', en: 'This service was not found.' } },
  counter_not_found: { status: 404, message: { 'zh-CN': '找不到这个窗口。', en: 'This counter was not found.' } },
  staff_not_found: { status: 404, message: { 'zh-CN': '找不到该员工。', en: 'No such staff member.' } },
  ticket_not_found: { status: 404, message: { 'zh-CN': '找不到这个号码。', en: 'This number was not found.' } },
  shift_not_found: { status: 404, message: { 'zh-CN': '找不到该班次。', en: 'No such shift.' } },
  invoice_not_found: { status: 404, message: { 'zh-CN': '找不到该发票申请。', en: 'No such invoice request.' } },

  // 409: the request collides with the state of things.
  card_exists: { status: 409, message: { 'zh-CN': '该卡已存在。', en: 'This card exists already.' } },
  card_recycled: {
    status: 409,
    message: {
      'zh-CN': '该号码已被回收，无法再续费。如需继续使用，请携带身份证件前往营业厅咨询。',
      en: 'This number has been recycled and can no longer be renewed. To ask about it, visit a service hall with your ID.',
    },
  },
  card_blocked: {
    status: 409,
    message: {
      'zh-CN': '该卡已被停用（如挂失）。请联系运营商或前往营业厅处理。',
      en: 'This card is blocked (reported lost, for example). Contact the operator or visit a service hall.',
    },
  },
  card_not_blocked: { status: 409, message: { 'zh-CN': '该卡未被停用。', en: 'This card is not blocked.' } },
  operator_exists: { status: 409, message: { 'zh-CN': '该运营商代码已被使用。', en: 'An operator with this code exists.' } },
  plan_exists: { status: 409, message: { 'zh-CN': '该套餐代码已被使用。', en: 'A package with this code exists.' } },
  promotion_exists: { status: 409, message: { 'zh-CN': '该优惠活动代码已被使用。', en: 'A promotion with this code exists.' } },
  order_not_pending: { status: 409, message: { 'zh-CN': '该订单已不在待支付状态。', en: 'This order is no longer awaiting payment.' } },
  idempotency_key_in_progress: {
    status: 409,
    message: {
      'zh-CN': '使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试。',
      en: 'A request with this Idempotency-Key is still in progress: retry shortly.',
    },
  },
  staff_exists: { status: 409, message: { 'zh-CN': '该用户名已被使用。', en: 'This username is taken.' } },
  service_exists: { status: 409, message: { 'zh-CN': '该业务已存在。', en: 'This service exists already.' } },
  counter_exists: { status: 409, message: { 'zh-CN': '该窗口已存在。', en: 'This counter exists already.' } },
  counter_closed: { status: 409, message: { 'zh-CN': '该窗口已关闭，需值班主管开放。', en: 'This counter is closed: a supervisor opens it.' } },
  ticket_state_invalid: { status: 409, message: { 'zh-CN': '该号码当前不能进行此操作。', en: 'This ticket cannot do that now.' } },
  ticket_exists: {
    status: 409,
    message: {
      'zh-CN': '该手机号已在本营业厅排队中。请通过那张号票的链接查看，或先取消那张号票。',
      en: 'This phone number is already in this hall’s queue. Follow the link of that ticket, or leave that queue first.',
    },
  },
  hall_closed: {
    status: 409,
    message: { 'zh-CN': '营业厅现在不在营业时间，营业后即可排队。', en: 'This hall is closed now. You can join the queue once it opens.' },
  },
  shift_not_open: { status: 409, message: { 'zh-CN': '请先开班。', en: 'Open a shift first.' } },
  shift_already_open: { status: 409, message: { 'zh-CN': '您已有一个进行中的班次。', en: 'You already have an open shift.' } },
  shift_not_pending: { status: 409, message: { 'zh-CN': '该班次不在待审批状态。', en: 'This shift is not awaiting approval.' } },
  void_refused: { status: 409, message: { 'zh-CN': '该笔续费不能作废。', en: 'This renewal cannot be voided.' } },
  invoice_exists: { status: 409, message: { 'zh-CN': '该订单已申请过发票。', en: 'An invoice was already requested for this order.' } },

  // 410 and 422: understood, but it cannot be done.
  link_expired: { status: 410, message: { 'zh-CN': '该链接已过期。', en: 'This link has expired.' } },
  period_too_short: {
    status: 422,
    message: { 'zh-CN': '所选套餐续费后仍会过期，请选择更长的套餐。', en: 'This package would still leave the card expired: choose a longer one.' },
  },
  plan_not_available: { status: 422, message: { 'zh-CN': '该套餐暂不可购买。', en: 'This package cannot be bought now.' } },
  payment_method_unavailable: { status: 422, message: { 'zh-CN': '该支付方式暂不可用。', en: 'This payment method is not available.' } },
  payment_provider_invalid: { status: 422, message: { 'zh-CN': '支付渠道的设置有误。', en: 'The payment provider’s settings are not valid.' } },
  coupon_unknown: { status: 422, message: { 'zh-CN': '优惠码无效。', en: 'This coupon code is not valid.' } },
  coupon_expired: { status: 422, message: { 'zh-CN': '该优惠码已过期。', en: 'This coupon has expired.' } },
  coupon_not_applicable: { status: 422, message: { 'zh-CN': '该优惠码不适用于所选套餐。', en: 'This coupon does not apply to the chosen package.' } },
  coupon_exhausted: { status: 422, message: { 'zh-CN': '该优惠码已被用完。', en: 'This coupon has been used up.' } },
  idempotency_key_reused: {
    status: 422,
    message: { 'zh-CN': '该 Idempotency-Key 已用于另一个不同的请求。', en: 'This Idempotency-Key was used for a different request.' },
  },
  cash_insufficient: { status: 422, message: { 'zh-CN': '实收金额不足。', en: 'Not enough cash tendered.' } },

  // 429 and 5xx: later, or elsewhere.
  too_many_attempts: { status: 429, message: { 'zh-CN': '尝试次数过多，请 {minutes} 分钟后再试。', en: 'Too many attempts. Try again in {minutes} min.' } },
  internal_error: { status: 500, message: { 'zh-CN': '服务出了点问题，请稍后重试。', en: 'Something went wrong on our side; the request can be retried.' } },
  payment_provider_error: {
    status: 502,
    message: { 'zh-CN': '支付渠道暂时无法处理，请稍后重试。', en: 'The payment provider could not be reached; try again shortly.' },
  },
  secret_unreadable: {
    status: 503,
    message: {
      'zh-CN': '服务器无法解开所存的密钥（缺少主密钥 {keyId}），请联系管理员。',
      en: 'The server cannot open the stored secrets (master key {keyId} is missing); tell the administrator.',
    },
  },
  database_unavailable: { status: 503, message: { 'zh-CN': '服务暂时不可用，请稍后重试。', en: 'The service is briefly unavailable; retry in a moment.' } },
  database_behind: {
    status: 503,
    message: {
      'zh-CN': '数据库尚未升级到本版本（迁移 {pending} 未执行），请先执行 simkeep migrate。',
      en: 'The database is behind this version: migrations {pending} are not applied yet (run simkeep migrate).',
    },
  },
  request_timed_out: {
    status: 503,
    message: { 'zh-CN': '处理请求超时，请稍后重试。', en: 'The request took too long to answer; retry in a moment.' },
  },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

export class DomainError extends Error {
  /** The message in each language: the thrower's own, else the catalogue's. */
  readonly text: Text;

  /**
   * `message`, when given, says more than the catalogue's message for the code, in every
   * language the API speaks: a `Text`, never a bare string, so that no answer falls back
   * to English for a caller who reads Chinese. The English one is the error's `message`,
   * for logs and stack traces.
   */
  constructor(
    readonly code: ErrorCode,
    message?: Text,
    readonly details?: Record<string, unknown>,
  ) {
    const text = message ?? errorCatalogue[code].message;
    super(fill(text.en, details));
    this.name = 'DomainError';
    this.text = text;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  /** The message in a language, its placeholders filled from the details. */
  messageIn(language: Language): string {
    return fill(this.text[language], this.details);
  }
}

/** The catalogue's message for a code in a language, filled from `values`. */
export function catalogueMessage(code: ErrorCode, language: Language, values?: Record<string, unknown>): string {
  return fill(errorCatalogue[code].message[language], values);
}

function fill(template: string, details: Record<string, unknown> | undefined): string {
  const retryAfter = details?.retryAfter;
  const values = typeof retryAfter === 'number' ? { minutes: Math.max(1, Math.ceil(retryAfter / 60)), ...details } : details;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values?.[name];
    if (value === undefined) return whole;
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}

export const cardNotFound = () => new DomainError('card_not_found');

/** No operator has the code a request names (in its path, its body or a CLI option). */
export const operatorNotFound = (code: string) =>
  new DomainError('operator_not_found', { 'zh-CN': `找不到代码为“${code}”的运营商。`, en: `No operator has the code "${code}".` });

/** A phone number that is not E.164, in the request's field `field`. */
export const invalidPhoneNumber = (field: string) =>
  new DomainError(
    'invalid_request',
    { 'zh-CN': '请输入有效的手机号码，以 + 和国家代码开头，例如 +8613800138000。', en: `${field}: not a valid E.164 phone number (e.g. +8613800138000).` },
    { fields: [`/${field}`] },
  );
