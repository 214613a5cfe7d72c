/**
 * Operators' webhook endpoints: registered with the event types they want, a signing
 * secret shown once (and stored sealed under the master key), switched on and off. The endpoints an event goes to are read through
 * a short per-process cache, on the caller's transaction when the cache is cold (on
 * SQLite the transaction holds the only connection).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Keyring, SealedRow } from '../platform/sealed.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import {
  activeEndpoints,
  allEndpointSecrets,
  type EndpointRow,
  endpointsOf,
  findEndpoint,
  insertEndpoint,
  replaceEndpointSecret,
  updateEndpoint,
} from './webhook-repository.js';

export const EVENT_TYPES = [
  'order.created',
  'order.fulfilled',
  'order.refund_pending',
  'order.cancelled',
  'order.refunded',
  'card.expiring_soon',
  'card.grace',
  'card.suspended',
  'card.recycled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Endpoint {
  id: string;
  url: string;
  events: string[];
}

const TTL_MS = 2000;

const secretPlace = (endpointId: string) => `webhook_endpoints/${endpointId}/secret`;

/** An endpoint's signing secret from its stored text (sealed, or in clear from before sealing); throws UnreadableSecret. */
export function openEndpointSecret(keyring: Keyring, endpointId: string, stored: string): string {
  return keyring.open(stored, secretPlace(endpointId));
}

/** Every endpoint's stored secret, for `simkeep secrets status` and `rotate`. */
export async function endpointSecretRows(db: Kysely<Database>): Promise<SealedRow[]> {
  return (await allEndpointSecrets(db)).map((row) => ({
    operatorId: row.operator_id,
    secrets: [row.secret],
    reseal: (trx, keyring) =>
      replaceEndpointSecret(trx, row.id, row.secret, keyring.seal(openEndpointSecret(keyring, row.id, row.secret), secretPlace(row.id))),
  }));
}

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    description: row.description,
    active: row.active === 1,
    createdAt: row.created_at,
  };
}

export interface EndpointFields {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  active?: boolean | undefined;
}

export class WebhookEndpoints {
  private readonly cache = new Map<string, { endpoints: Endpoint[]; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
  ) {}

  /** The active endpoints of the operator that want `type`. */
  async subscribed(trx: Kysely<Database>, operatorId: string, type: EventType): Promise<Endpoint[]> {
    let hit = this.cache.get(operatorId);
    if (!hit || Date.now() - hit.at >= TTL_MS) {
      const rows = await activeEndpoints(trx, operatorId);
      hit = { endpoints: rows.map((r) => ({ id: r.id, url: r.url, events: JSON.parse(r.events) as string[] })), at: Date.now() };
      this.cache.set(operatorId, hit);
    }
    return hit.endpoints.filter((e) => e.events.includes('*') || e.events.includes(type));
  }

  async create(operatorId: string, fields: EndpointFields & { url: string }) {
    const now = this.clock.now().toISOString();
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const id = newId('we');
    const row: EndpointRow = {
      id,
      operator_id: operatorId,
      url: checkUrl(fields.url),
      secret: this.keyring.seal(secret, secretPlace(id)),
      events: JSON.stringify(checkEvents(fields.events ?? ['*'])),
      description: fields.description ?? null,
      active: fields.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await insertEndpoint(this.db.kysely, row);
    this.cache.delete(operatorId);
    return { ...endpointView(row), secret };
  }

  async list(operatorId: string) {
    return (await endpointsOf(this.db.kysely, operatorId)).map(endpointView);
  }

  async update(operatorId: string, id: string, fields: EndpointFields) {
    const changes: Partial<EndpointRow> = { updated_at: this.clock.now().toISOString() };
    if (fields.url !== undefined) changes.url = checkUrl(fields.url);
    if (fields.events !== undefined) changes.events = JSON.stringify(checkEvents(fields.events));
    if (fields.description !== undefined) changes.description = fields.description;
    if (fields.active !== undefined) changes.active = fields.active ? 1 : 0;
    if (!(await updateEndpoint(this.db.kysely, operatorId, id, changes))) throw endpointNotFound();
    this.cache.delete(operatorId);
    return endpointView(await this.row(operatorId, id));
  }

  async row(operatorId: string, id: string): Promise<EndpointRow> {
    const row = await findEndpoint(this.db.kysely, operatorId, id);
    if (!row) throw endpointNotFound();
    return row;
  }
}

const endpointNotFound = () => new DomainError('webhook_not_found');

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': 'url：请填写以 http:// 或 https:// 开头的完整地址。', en: 'url: give an absolute http:// or https:// URL.' },
      { fields: ['/url'] },
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': 'url：只支持 http:// 和 https://。', en: 'url: only http:// and https:// are supported.' },
      { fields: ['/url'] },
    );
  if (parsed.username || parsed.password)
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': 'url：地址中请不要包含用户名或密码，投递本身带有签名。', en: 'url: put no credentials in the URL; deliveries are signed.' },
      { fields: ['/url'] },
    );
  return parsed.toString();
}

function checkEvents(events: string[]): string[] {
  const unknown = events.filter((e) => e !== '*' && !(EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length > 0 || events.length === 0) {
    throw new DomainError(
      'invalid_request',
      {
        'zh-CN': `events：请使用 "*"，或从 ${EVENT_TYPES.join('、')} 中选择${unknown.length > 0 ? `（不能是 ${unknown.join('、')}）` : ''}。`,
        en: `events: use "*" or some of ${EVENT_TYPES.join(', ')}${unknown.length > 0 ? ` (not ${unknown.join(', ')})` : ''}.`,
      },
      {
        fields: ['/events'],
      },
    );
  }
  return [...new Set(events)];
}
