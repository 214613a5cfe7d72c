/**
 * Per-operator transport settings: which transport carries an operator's SMS and email and
 * how to reach it. The TypeBox schemas (the gateway's and SMTP's beside their transports) are
 * both the admin API's documentation and the validation; the functions check settings with a
 * message naming the field to fix, build the transport, and hide the secrets before settings
 * are shown in an answer or a log.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { DomainError, type Text } from '../shared/errors.js';
import type { Channel, Transport } from './transport.js';
import { ConsoleFileTransport, type OutboxLogger } from './transports/console-file.js';
import { HttpGatewaySettings, HttpGatewayTransport, PLACEHOLDERS, unknownPlaceholders } from './transports/http-gateway.js';
import { SmtpSettings, SmtpTransport } from './transports/smtp.js';

export const ConsoleTransportSettings = Type.Object(
  { kind: Type.Literal('console') },
  { additionalProperties: false, description: 'Demo: each message is appended to `<outbox>/<channel>.jsonl` and summarised in the log.' },
);

export const SmsTransportSettings = Type.Union([ConsoleTransportSettings, HttpGatewaySettings]);
export const EmailTransportSettings = Type.Union([ConsoleTransportSettings, SmtpSettings]);

export type ConsoleTransportSettings = Static<typeof ConsoleTransportSettings>;
export type SmsTransportSettings = Static<typeof SmsTransportSettings>;
export type EmailTransportSettings = Static<typeof EmailTransportSettings>;
export type TransportSettings = SmsTransportSettings | EmailTransportSettings;

export interface TransportContext {
  /** Folder of the console transport's outbox files. */
  outboxDir: string;
  logger?: OutboxLogger;
}

const schemasByKind = {
  sms: { console: ConsoleTransportSettings, http: HttpGatewaySettings },
  email: { console: ConsoleTransportSettings, smtp: SmtpSettings },
} as const;

export function createTransport(channel: 'sms', settings: SmsTransportSettings, context: TransportContext): Transport;
export function createTransport(channel: 'email', settings: EmailTransportSettings, context: TransportContext): Transport;
export function createTransport(channel: Channel, settings: TransportSettings, context: TransportContext): Transport;
export function createTransport(channel: Channel, settings: TransportSettings, context: TransportContext): Transport {
  if (!Object.hasOwn(schemasByKind[channel], settings.kind)) throw new Error(`a ${settings.kind} transport cannot carry ${channel}`);
  switch (settings.kind) {
    case 'console':
      return new ConsoleFileTransport(channel, { dir: context.outboxDir, ...(context.logger ? { logger: context.logger } : {}) });
    case 'http':
      return new HttpGatewayTransport(settings);
    case 'smtp':
      return new SmtpTransport(settings);
  }
}

/**
 * Checked settings, or a `DomainError('invalid_request')` whose message names every field to
 * fix (`Invalid sms transport settings: url is required`) and whose `details.fields` holds
 * their JSON pointers, as schema failures of a request do.
 */
export function parseTransportSettings(channel: 'sms', value: unknown): SmsTransportSettings;
export function parseTransportSettings(channel: 'email', value: unknown): EmailTransportSettings;
export function parseTransportSettings(channel: Channel, value: unknown): TransportSettings;
export function parseTransportSettings(channel: Channel, value: unknown): TransportSettings {
  const kinds: Record<string, TSchema> = schemasByKind[channel];
  const kind = value !== null && typeof value === 'object' ? (value as { kind?: unknown }).kind : undefined;
  const schema = typeof kind === 'string' && Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  const problems: Problem[] = schema
    ? [...Value.Errors(schema, value).flatMap(describe), ...crossFieldProblems(value as TransportSettings)]
    : [{ pointer: '/kind', text: { 'zh-CN': `kind 须为 ${Object.keys(kinds).join('、')} 之一`, en: `kind must be one of ${Object.keys(kinds).join(', ')}` } }];
  if (problems.length > 0) {
    const fields = [...new Set(problems.map((problem) => problem.pointer))];
    const message = {
      'zh-CN': `${channel === 'sms' ? '短信' : '电子邮件'}传输设置有误：${problems.map((problem) => problem.text['zh-CN']).join('；')}。`,
      en: `Invalid ${channel} transport settings: ${problems.map((problem) => problem.text.en).join('; ')}`,
    };
    throw new DomainError('invalid_request', message, { fields });
  }
  return Value.Clone(value) as TransportSettings;
}

interface Problem {
  pointer: string;
  text: Text;
}

// Shown instead of the regular expression a pattern or format failure would quote.
const expectedShape: Record<string, Text> = {
  url: { 'zh-CN': '须为 http:// 或 https:// 地址', en: 'must be an http:// or https:// URL' },
  from: { 'zh-CN': '须为邮箱地址或 "名称 <地址>"', en: 'must be an address or "Name <address>"' },
  host: { 'zh-CN': '须为不含空格的主机名', en: 'must be a host name without spaces' },
  headers: { 'zh-CN': '须写在一行内', en: 'must be on one line' },
};

function describe(error: ReturnType<typeof Value.Errors>[number]): Problem[] {
  const problem = (pointer: string, text: Text): Problem => ({
    pointer,
    text: { 'zh-CN': `${fieldName(pointer)} ${text['zh-CN']}`, en: `${fieldName(pointer)} ${text.en}` },
  });
  // TypeBox words its own messages in English only.
  const schemaSays = (message: string): Text => ({ 'zh-CN': `不符合要求（${message}）`, en: message });
  switch (error.keyword) {
    case 'required':
      return error.params.requiredProperties.map((property) => problem(`${error.instancePath}/${property}`, { 'zh-CN': '为必填项', en: 'is required' }));
    case 'additionalProperties':
      return error.params.additionalProperties.map((property) =>
        problem(`${error.instancePath}/${property}`, { 'zh-CN': '不是可识别的设置项', en: 'is not a known setting' }),
      );
    case 'boolean': // the `additionalProperties: false` half of the error above
    case 'propertyNames': // its `pattern` half names the property
    case 'anyOf':
      return [];
    case 'pattern':
    case 'format':
      if (error.schemaPath.endsWith('/propertyNames'))
        return [problem(error.instancePath, { 'zh-CN': '不是有效的请求头名称', en: 'is not a valid header name' })];
      return [problem(error.instancePath, expectedShape[error.instancePath.split('/')[1] ?? ''] ?? schemaSays(error.message))];
    default:
      return [problem(error.instancePath, schemaSays(error.message))];
  }
}

/** `/headers/X-Key` → `headers.X-Key`: how the message names a field. */
function fieldName(pointer: string): string {
  return pointer.slice(1).replaceAll('/', '.') || 'settings';
}

/** What one schema cannot say: a user needs a password, a template only known placeholders. */
function crossFieldProblems(settings: TransportSettings): Problem[] {
  if (settings.kind === 'smtp' && (settings.user === undefined) !== (settings.password === undefined)) {
    const missing = settings.user === undefined ? 'user' : 'password';
    const other = missing === 'user' ? 'password' : 'user';
    return [{ pointer: `/${missing}`, text: { 'zh-CN': `设置了 ${other} 时，${missing} 为必填项`, en: `${missing} is required when ${other} is set` } }];
  }
  if (settings.kind === 'http') {
    const known = PLACEHOLDERS.map((placeholder) => `{{${placeholder}}}`).join(', ');
    return unknownPlaceholders(settings.body, '/body').map(({ path, name }) => ({
      pointer: path,
      text: {
        'zh-CN': `${fieldName(path)} 含有未知的占位符 {{${name}}}（可用：${known}）`,
        en: `${fieldName(path)} has an unknown placeholder {{${name}}} (known: ${known})`,
      },
    }));
  }
  return [];
}

const REDACTED = '***';
// Names under which gateways put credentials in a URL query or a JSON body.
const SECRET_NAME = /passw|secret|token|api[-_]?key|access[-_]?key|signature|auth|credential/i;

/**
 * A copy safe for an admin answer or a log: header values, the SMTP password, credentials in
 * the gateway URL and secret-looking fields of the body template become `***`.
 */
export function redactTransportSettings<T extends TransportSettings>(settings: T): T;
export function redactTransportSettings(settings: TransportSettings): TransportSettings {
  switch (settings.kind) {
    case 'console':
      return { ...settings };
    case 'smtp':
      return { ...settings, ...(settings.password === undefined ? {} : { password: REDACTED }) };
    case 'http':
      return {
        ...settings,
        url: redactUrl(settings.url),
        ...(settings.headers ? { headers: Object.fromEntries(Object.keys(settings.headers).map((name) => [name, REDACTED])) } : {}),
        body: redactSecretFields(settings.body) as Record<string, unknown>,
      };
  }
}

function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  if (parsed.password) parsed.password = REDACTED;
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_NAME.test(name)) parsed.searchParams.set(name, REDACTED);
  return parsed.href;
}

function redactSecretFields(template: unknown): unknown {
  if (Array.isArray(template)) return template.map(redactSecretFields);
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [key, SECRET_NAME.test(key) && typeof value === 'string' ? REDACTED : redactSecretFields(value)]),
  );
}
