/**
 * The one place where errors become HTTP answers:
 * `{"error": {"code", "message", "details"}}`, the message in the caller's language
 * (`Accept-Language`, else the caller's or the operator's choice: see language.ts;
 * `Content-Language` says which). Domain errors keep
 * their code and the catalogue's status (src/shared/errors.ts); schema failures and
 * malformed JSON are `400 invalid_request` with the offending field paths; anything
 * unexpected is logged and answered as a 500 without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { catalogueMessage, DomainError, type ErrorCode, errorCatalogue, type Language, type Text } from '../shared/errors.js';
import { answerLanguage, callerLanguage, declareLanguageHint, type LanguagePreferences } from './language.js';
import { isAppPage } from './web-app.js';

interface ErrorAnswer {
  details?: Record<string, unknown>;
  /** Says more than the catalogue's message for the code, in both languages. */
  message?: Text;
  /** Instead of the catalogue's status for the code (413 and 415 are `invalid_request`s). */
  status?: number;
}

/**
 * Answers an error by its catalogue code, in `language`: by default the one
 * `Accept-Language` asks for, as the answers given before a guard knows the caller are.
 */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  answer: ErrorAnswer = {},
  language: Language = callerLanguage(request.headers['accept-language']),
) {
  const message = answer.message ? answer.message[language] : catalogueMessage(code, language, answer.details);
  return reply
    .status(answer.status ?? errorCatalogue[code].status)
    .header('content-language', language)
    .send({ error: { code, message, ...(answer.details ? { details: answer.details } : {}) } });
}

function sendDomainError(reply: FastifyReply, error: DomainError, language: Language) {
  return reply
    .status(error.status)
    .header('content-language', language)
    .send({ error: { code: error.code, message: error.messageIn(language), ...(error.details ? { details: error.details } : {}) } });
}

interface ValidationIssue {
  instancePath?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldPaths(error: FastifyError): string[] {
  const issues = (error.validation ?? []) as ValidationIssue[];
  return issues.map((issue) => {
    const base = issue.instancePath ?? '';
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    return extra ? `${base}/${extra}` : base || '/';
  });
}

/**
 * Errors the router meets before any route runs (a malformed percent-encoding, a path
 * parameter beyond the router's length limit): Fastify's `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, 'invalid_request', { message: { 'zh-CN': `请求地址有误：${error.message}`, en: error.message } });
}

/** What Fastify itself refuses by status: the code, and the message for a 413 or 415. */
const FRAMEWORK_REFUSALS: Record<number, { code: ErrorCode; message?: Text }> = {
  401: { code: 'unauthorized' },
  403: { code: 'forbidden' },
  404: { code: 'not_found' },
  413: { code: 'invalid_request', message: { 'zh-CN': '请求内容过大。', en: 'The request body is too large.' } },
  415: { code: 'invalid_request', message: { 'zh-CN': '请以 application/json 格式发送请求内容。', en: 'Send the body as application/json.' } },
};

/**
 * With `appPage`, unknown GETs from a browser get the web app's index.html instead of a
 * JSON 404; `preferences` find the language a caller or its operator chose (without them,
 * an answer without `Accept-Language` is in Chinese).
 */
export function registerErrorHandling(app: FastifyInstance, appPage = false, preferences?: LanguagePreferences): void {
  declareLanguageHint(app);
  app.setErrorHandler(async (error: FastifyError | DomainError, request, reply) => {
    // With the database away, the caller's choice stays unread: the 503 goes out at once.
    const language = isDatabaseUnavailable(error) ? callerLanguage(request.headers['accept-language']) : await answerLanguage(request, preferences);
    if (error instanceof DomainError) {
      if (error.code === 'too_many_attempts' && typeof error.details?.retryAfter === 'number') {
        reply.header('Retry-After', String(error.details.retryAfter));
      }
      return sendDomainError(reply, error, language);
    }
    if (error.validation) {
      const fields = fieldPaths(error);
      const where = error.validationContext ?? 'request';
      const message = { 'zh-CN': `请求内容有误（${fields.join('、')}）：${error.message}`, en: `The ${where} is invalid: ${error.message}` };
      return sendError(request, reply, 'invalid_request', { details: { fields }, message }, language);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const refusal = FRAMEWORK_REFUSALS[status];
      if (refusal) return sendError(request, reply, refusal.code, { status, ...(refusal.message ? { message: refusal.message } : {}) }, language);
      // Malformed JSON and the like.
      const message = { 'zh-CN': `请求无法解析：${error.message}`, en: error.message };
      return sendError(request, reply, 'invalid_request', { status, message }, language);
    }
    if (error.code === 'FST_ERR_HANDLER_TIMEOUT') {
      // The route's time limit (http/limits.ts) passed; its work may still finish.
      request.log.warn({ route: request.routeOptions.url, limit: request.routeOptions.handlerTimeout }, 'request timed out');
      return sendError(request, reply, 'request_timed_out', {}, language);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendError(request, reply, 'database_unavailable', {}, language);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(request, reply, 'internal_error', {}, language);
  });

  app.setNotFoundHandler((request, reply) => {
    // A page of the web app: the app itself answers it (http/web-app.ts).
    if (appPage && isAppPage(request.method, request.url, request.headers.accept)) return reply.type('text/html').sendFile('index.html');
    const route = `${request.method} ${request.url.split('?')[0]}`;
    return sendError(request, reply, 'not_found', { message: { 'zh-CN': `没有这个接口：${route}。`, en: `No route ${route}.` } });
  });
}
