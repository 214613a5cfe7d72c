/**
 * SMS through an HTTP gateway: one JSON POST per message, its body built from the operator's
 * template (`{{to}}`, `{{text}}`, `{{id}}`, `{{operator}}` inside any string), an
 * `Idempotency-Key` carrying the outbox id so a gateway can drop a retried duplicate, and the
 * answer mapped to DeliveryError: 408, 429, 5xx, network failures and timeouts are worth a
 * retry, any other refusal is not. Header values hold the gateway's secrets and never appear
 * in an error message.
 */

import { type Static, Type } from 'typebox';
import { type Delivery, DeliveryError, type OutgoingMessage, ProviderTimeoutMs, type Transport } from '../transport.js';

export const PLACEHOLDERS = ['to', 'text', 'id', 'operator'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

// RFC 9110 token characters; values on one line, so a setting cannot smuggle in a header.
const HeaderName = Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" });
const HeaderValue = Type.String({ pattern: '^[^\\r\\n]*$', maxLength: 4096 });

/** An operator's SMS gateway, as the admin API takes it (transport-settings.ts checks it). */
export const HttpGatewaySettings = Type.Object(
  {
    kind: Type.Literal('http'),
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048, examples: ['https://sms.example.com/v1/messages'] }),
    headers: Type.Optional(Type.Record(Type.String(), HeaderValue, { propertyNames: HeaderName, examples: [{ Authorization: 'Bearer <token>' }] })),
    body: Type.Record(Type.String(), Type.Unknown(), {
      description: `JSON body template; strings may hold ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}.`,
      examples: [{ to: '{{to}}', message: '{{text}}', reference: '{{id}}' }],
    }),
    idField: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Field (dotted path) of the gateway's JSON answer holding its message id." }),
    ),
    timeoutMs: Type.Optional(ProviderTimeoutMs),
  },
  { additionalProperties: false },
);
export type HttpGatewaySettings = Static<typeof HttpGatewaySettings>;
export type HttpGatewayOptions = Omit<HttpGatewaySettings, 'kind'>;

const DEFAULT_TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 200;
const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export class HttpGatewayTransport implements Transport {
  readonly channel = 'sms';
  readonly kind = 'http';
  readonly #options: HttpGatewayOptions;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(options: HttpGatewayOptions) {
    this.#options = options;
    // Lower-cased, so a configured `Content-Type` replaces ours instead of joining it.
    this.#headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutgoingMessage): Promise<Delivery> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.#headers, 'idempotency-key': message.id },
        body: JSON.stringify(fillTemplate(this.#options.body, message)),
        // A redirected POST may turn into a GET or carry the credentials to another host.
        redirect: 'manual',
        signal,
      });
      answer = await response.text();
    } catch (error) {
      throw this.#unreachable(error, signal.aborted);
    }
    if (response.ok) return { providerId: providerIdOf(answer, this.#options.idField) };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DeliveryError(`SMS gateway answered ${response.status}: ${this.#excerpt(answer)}`, !retryable);
  }

  #unreachable(error: unknown, timedOut: boolean): DeliveryError {
    if (timedOut) return new DeliveryError(`SMS gateway did not answer within ${this.#timeoutMs} ms`);
    // fetch reports network failures as a TypeError with the socket error as its cause; a
    // TypeError without a cause is a request it refused to build (its message may quote a header).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error instanceof TypeError && cause === undefined)
      return new DeliveryError('SMS gateway request could not be built: check the URL and header names and values', true);
    return new DeliveryError(`SMS gateway unreachable: ${cause?.code ?? cause?.message ?? (error as Error).name}`);
  }

  /** The start of the gateway's answer, on one line, with any header value it echoes hidden. */
  #excerpt(answer: string): string {
    let text = answer;
    for (const secret of secretsOf(this.#headers)) text = text.replaceAll(secret, '***');
    text = text.replace(/\s+/g, ' ').trim();
    if (text === '') return '(empty body)';
    return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
  }
}

/** Header values, and the credential part of `Bearer <token>`-style values, longest first. */
function secretsOf(headers: Record<string, string>): string[] {
  const values = Object.values(headers).flatMap((value) => [value, value.split(' ').slice(1).join(' ')]);
  return values.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * The request body for one message: the template with every placeholder substituted inside
 * strings, at any depth. Substitution is one pass, so a text containing `{{id}}` stays as written.
 */
export function fillTemplate(template: unknown, message: Pick<OutgoingMessage, Placeholder>): unknown {
  if (typeof template === 'string') {
    return template.replace(ANY_PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? message[name] : whole));
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, message));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillTemplate(value, message)]));
  }
  return template;
}

/** Placeholders in a template that would be sent as written: `[{ path: '/sms/0', name: 'phone' }]`. */
export function unknownPlaceholders(template: unknown, path = ''): { path: string; name: string }[] {
  if (typeof template === 'string') {
    return [...template.matchAll(ANY_PLACEHOLDER)].flatMap((match) => (isPlaceholder(match[1] ?? '') ? [] : [{ path, name: match[1] ?? '' }]));
  }
  if (template !== null && typeof template === 'object') {
    return Object.entries(template).flatMap(([key, value]) => unknownPlaceholders(value, `${path}/${key}`));
  }
  return [];
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** The provider's id at `idField` (a dotted path such as `data.messageId`) of a JSON answer. */
function providerIdOf(answer: string, idField: string | undefined): string | undefined {
  if (idField === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(answer);
  } catch {
    return undefined;
  }
  for (const key of idField.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
