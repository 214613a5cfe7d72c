/**
 * The one place where errors become HTTP answers:
 * `{"error": {"code", "message", "details"}}`. Domain errors keep their code and status;
 * schema failures and malformed JSON are `400 invalid_request` with the offending field
 * paths; anything unexpected is logged and answered as a 500 without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { isAppPage } from '../platform/web-routes.js';
import { DomainError, type ErrorCode } from '../shared/errors.js';

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: Record<string, unknown>) {
  return reply.status(status).send({ error: { code, message, ...(details ? { details } : {}) } });
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
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, 400, 'invalid_request', error.message);
}

/** With `appPage`, unknown GETs from a browser get the web app's index.html instead of a JSON 404. */
export function registerErrorHandling(app: FastifyInstance, appPage = false): void {
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      if (error.code === 'too_many_attempts' && typeof error.details?.retryAfter === 'number') {
        reply.header('Retry-After', String(error.details.retryAfter));
      }
      return sendError(reply, error.status, error.code, error.message, error.details);
    }
    if (error.validation) {
      const fields = fieldPaths(error);
      const where = error.validationContext ?? 'request';
      return sendError(reply, 400, 'invalid_request', `The ${where} is invalid: ${error.message}`, { fields });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Malformed JSON, wrong content type, body too large and the like.
      const code: ErrorCode = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'invalid_request';
      return sendError(reply, status === 415 || status === 413 ? status : status === 404 ? 404 : status, code, error.message);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendError(reply, 503, 'database_unavailable', 'The service is briefly unavailable; retry in a moment.');
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 500, 'internal_error', 'Something went wrong on our side; the request can be retried.');
  });

  app.setNotFoundHandler((request, reply) => {
    // A page of the web app: the app itself answers it (platform/web-routes.ts).
    if (appPage && isAppPage(request.method, request.url, request.headers.accept)) return reply.type('text/html').sendFile('index.html');
    return sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });
}
