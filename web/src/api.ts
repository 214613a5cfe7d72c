/**
 * The API client, typed by the OpenAPI document (api-schema.d.ts is generated from it by
 * `npm run api:types`; a test fails when it is stale), so the pages cannot drift from the API.
 */
import i18next from 'i18next';
import createClient from 'openapi-fetch';
import type { components, paths } from './api-schema.js';

export const api = createClient<paths>({ baseUrl: '' });

// Every call says the page's language, so that the API's error messages come in it
// (without Accept-Language the server falls back on the account's or operator's choice).
api.use({
  onRequest({ request }) {
    request.headers.set('Accept-Language', i18next.language || 'zh-CN');
    return request;
  },
});

export type Lookup = paths['/v1/cards/lookup']['post']['responses']['200']['content']['application/json'];
export type Quote = paths['/v1/quotes']['post']['responses']['200']['content']['application/json'];
export type Order = paths['/v1/orders/{id}']['get']['responses']['200']['content']['application/json'];
export type Storefront = paths['/v1/storefront']['get']['responses']['200']['content']['application/json'];
export type { components, paths };

/** An answer of the API that is not a success: its stable code, its message, details and HTTP status (0: no answer). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status = 0,
  ) {
    super(message);
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiError (a network failure is `network`). */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof request>;
  try {
    result = await request;
  } catch {
    throw new ApiError('network', 'network');
  }
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = result.error as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  const answer = body?.error;
  throw new ApiError(answer?.code ?? 'unexpected', answer?.message ?? result.response.statusText, answer?.details ?? {}, result.response.status);
}

/** A fresh key per attempt to order, reused if the same attempt is retried. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
