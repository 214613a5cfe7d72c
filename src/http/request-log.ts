/**
 * What the request log may hold. URLs carry what must stay private: phone numbers
 * (`/v1/admin/cards/%2B86…`), ticket, renewal-link and calendar tokens (each lets its
 * holder follow, cancel or renew), receipt signatures (`?sig=`). A request is logged by its
 * route pattern, its path values masked and its query by name only; error text has phone
 * numbers, serials and tokens masked, and a database error's `detail` (which quotes the
 * row's values) left out.
 */
import type { FastifyRequest } from 'fastify';
import { maskMsisdn } from '../shared/msisdn.js';

const E164 = /^\+\d{6,15}$/;
const DIGITS = /^\d{6,}$/;

/** A path value as the log may show it: a number masked, a long value cut to its first 4 characters. */
export function maskValue(value: string): string {
  if (E164.test(value)) return maskMsisdn(value);
  if (DIGITS.test(value)) return `…${value.slice(-2)}`;
  return value.length > 12 ? `${value.slice(0, 4)}…` : value;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A path that matched no route (a page of the web app, a typo): each segment masked. */
function maskedPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' ? segment : maskValue(decoded(segment))))
    .join('/');
}

/** The request as logged: method, route pattern, masked path values, query parameter names. */
export function loggedRequest(request: FastifyRequest) {
  const [path = '', query] = request.url.split('?', 2);
  const pattern = request.routeOptions?.url;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, maskValue(String(value))]));
  return {
    method: request.method,
    url: pattern ?? maskedPath(path),
    ...(pattern && Object.keys(values).length > 0 ? { params: values } : {}),
    ...(query ? { query: [...new URLSearchParams(query).keys()].join(',') } : {}),
  };
}

// Phone numbers (with or without +), runs of digits (ICCIDs, codes, receipt numbers' tails),
// and prefixed tokens and signatures, wherever they occur in a message.
const SECRETS_IN_TEXT = [
  [/\+\d{6,15}/g, (m: string) => maskMsisdn(m)],
  [/\d{6,}/g, (m: string) => `…${m.slice(-2)}`],
  [/\b(tt|rl|cal|sig|tok|sk)_[A-Za-z0-9_-]{6,}/g, (m: string) => `${m.slice(0, m.indexOf('_') + 1)}…`],
  [/([?&](sig|token|code|password)=)[^&\s"]+/gi, (_m: string, key: string) => `${key}…`],
] as const;

export function maskText(text: string): string {
  let masked = text;
  for (const [pattern, replace] of SECRETS_IN_TEXT) masked = masked.replace(pattern, replace as (m: string, ...rest: string[]) => string);
  return masked;
}

/** An error as logged: its type, code and masked message and stack; never its `detail`. */
export function loggedError(error: unknown) {
  if (!(error instanceof Error)) return { message: maskText(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: maskText(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: maskText(error.stack) } : {}),
  };
}

/** pino options for the server's logger at `level`. */
export function requestLogOptions(level: string) {
  return {
    level,
    serializers: { req: loggedRequest, err: loggedError },
    redact: ['req.headers', 'headers.authorization', 'headers.cookie'],
  };
}
