/**
 * The routes of the OpenAPI document and their schemas, for tests that probe every route
 * (test/http/malformed-input.test.ts, test/http/authorization.test.ts): valid samples and
 * requests, values a schema refuses (checked with the schema itself), and hostile values
 * every field should refuse.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { InjectOptions } from 'fastify';
import { SANDBOX_ON, startHarness } from './harness.js';

export type Schema = Record<string, any>;
export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
export interface Route {
  key: string;
  method: InjectOptions['method'];
  path: string;
  params: Parameter[];
  body?: Schema;
  /** Takes the admin bearer token (some also a staff session). */
  admin: boolean;
  /** Takes only a staff session (cookie and X-CSRF-Token). */
  staff: boolean;
  /** Takes a subscriber's session (the `/v1/me` routes). */
  subscriber: boolean;
  /** Takes the metrics token (`/metrics`, SIMKEEP_METRICS_TOKEN). */
  monitoring: boolean;
}

/** The routes of the OpenAPI document, read from a throwaway app (the sandbox provider's included). */
export async function documentedRoutes(): Promise<Route[]> {
  const h = await startHarness('sqlite', SANDBOX_ON);
  try {
    const doc = (await h.request({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, Schema>> };
    return Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as InjectOptions['method'],
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        admin: Array.isArray(op.security) && op.security.some((s: Schema) => 'adminToken' in s),
        staff: Array.isArray(op.security) && op.security.length > 0 && op.security.every((s: Schema) => 'staffSession' in s),
        subscriber: Array.isArray(op.security) && op.security.some((s: Schema) => 'subscriberSession' in s),
        monitoring: Array.isArray(op.security) && op.security.some((s: Schema) => 'metricsToken' in s),
      })),
    );
  } finally {
    await h.close();
  }
}

// The document's schemas, compiled the way the server validates: bodies strictly, text coerced.
const ajvFor = (coerceTypes: false | 'array') => {
  const ajv = new Ajv({ strict: false, coerceTypes });
  addFormats.default(ajv);
  return ajv;
};
const strictAjv = ajvFor(false);
const textAjv = ajvFor('array');
const compiled = { strict: new Map<Schema, ValidateFunction>(), text: new Map<Schema, ValidateFunction>() };
/** Does the documented schema accept the value (as a body field, or as text from a path, query or header)? */
export function accepts(schema: Schema, value: unknown, text = false): boolean {
  const cache = text ? compiled.text : compiled.strict;
  let validate = cache.get(schema);
  if (!validate) {
    validate = (text ? textAjv : strictAjv).compile({ type: 'object', properties: { v: schema } });
    cache.set(schema, validate);
  }
  return validate({ v: structuredClone(value) }) as boolean;
}

/** A value the schema accepts, from its examples where it has them. */
export function sample(s: Schema): unknown {
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf)) return sample(s.anyOf[0]);
  if (s.type === 'object') return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(s.properties[k])]));
  if (s.type === 'array') return s.minItems ? [sample(s.items)] : [];
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.type === 'boolean') return true;
  if (s.format === 'date-time') return '2026-11-24T12:00:00+08:00';
  return 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

/**
 * A request the route's schemas accept: each path parameter, required query or header
 * parameter and required body field is `value(name, where)` when the schema takes that,
 * else the schema's sample; an optional parameter is sent only when `value` gives one the
 * schema takes. Throws when the result is not valid.
 */
export function validRequest(
  route: Route,
  value: (name: string, where: Parameter['in'] | 'body') => unknown,
): { method: Route['method']; url: string; headers: Record<string, string>; payload?: string } {
  const pick = (name: string, s: Schema, where: Parameter['in'] | 'body') => {
    const given = value(name, where);
    const chosen = given !== undefined && accepts(s, given, where !== 'body') ? given : sample(s);
    if (!accepts(s, chosen, where !== 'body')) throw new Error(`${route.key}: cannot make a valid ${name}; give its schema an example`);
    return chosen;
  };
  let url = route.path;
  const query: string[] = [];
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const p of route.params) {
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(pick(p.name, p.schema, 'path'))));
    // An optional query or header parameter only when `value` has one the schema takes.
    else if (!p.required && !(value(p.name, p.in) !== undefined && accepts(p.schema, value(p.name, p.in), true))) continue;
    else if (p.in === 'query') query.push(`${p.name}=${encodeURIComponent(String(pick(p.name, p.schema, 'query')))}`);
    else headers[p.name] = String(pick(p.name, p.schema, 'header'));
  }
  if (query.length > 0) url += `?${query.join('&')}`;
  if (!route.body) return { method: route.method, url, headers };
  const s = route.body;
  const body = Object.fromEntries((s.required ?? []).map((k: string) => [k, pick(k, s.properties[k], 'body')]));
  if (!accepts(s, body)) throw new Error(`${route.key}: cannot make a valid body; give its schema examples`);
  return { method: route.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) };
}

export const acceptsType = (s: Schema, type: string): boolean =>
  s.type === type ||
  (type === 'null' && s.nullable === true) ||
  (Array.isArray(s.anyOf) && s.anyOf.some((b: Schema) => acceptsType(b, type))) ||
  (s.type === undefined && s.anyOf === undefined);

/** Values the schema refuses (checked): wrong types, then broken constraints. */
export function refused(s: Schema, valid: unknown, text = false): unknown[] {
  const sv = typeof valid === 'string' ? valid : 'x';
  const candidates = text
    ? [
        '',
        'abc',
        '8.5',
        '-1',
        '0',
        '501',
        '1e3',
        'bogus',
        sv.replace(/^\+/, ''),
        `${sv} `,
        sv.toUpperCase(),
        'x'.repeat(300),
        'yesterday',
        '2026-13-45T99:00:00Z',
      ]
    : [
        '800',
        800,
        8.5,
        true,
        [],
        {},
        null,
        '',
        'bogus',
        -1,
        0,
        1e9 + 1,
        sv.replace(/^\+/, ''),
        `${sv} `,
        `${sv}!`,
        sv.toUpperCase(),
        'x'.repeat(Math.max(300, (s.maxLength ?? 0) + 1)),
        ['bogus'],
        [42],
        [valid, valid],
        { bogus: 1 },
      ];
  const seen = new Set<string>();
  return candidates.filter((c) => !accepts(s, c, text) && !seen.has(JSON.stringify(c)) && seen.add(JSON.stringify(c)));
}

/** Values every field should refuse although a schema may not say so: huge, U+0000, beyond any column. */
export function hostile(s: Schema, valid: unknown): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (acceptsType(s, 'string')) out.push(['a 10 000-character string', 'x'.repeat(10_000)], ['U+0000', `${typeof valid === 'string' ? valid : 'x'}\u0000`]);
  if (acceptsType(s, 'integer') || acceptsType(s, 'number')) out.push(['1e20', 1e20], ['2^31', 2 ** 31]);
  return out;
}
