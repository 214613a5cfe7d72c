/**
 * Each operator's payment providers: the merchant settings of Alipay, WeChat Pay and
 * UnionPay, checked when saved (shape, then keys and certificates), their secrets sealed
 * under the master key when stored and answered as `***` (and kept when `***` is sent
 * back), and which methods the operator offers. Read through a short per-process cache,
 * like the notification settings.
 */
import { Value } from 'typebox/value';
import type { Db } from '../db/database.js';
import { type Keyring, UnreadableSecret, unreadableSecret } from '../platform/sealed.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { alipay } from './alipay.js';
import { type PaymentProvider, PROVIDERS, type ProviderName } from './provider.js';
import { openProviderSecrets, sealProviderSecrets } from './provider-secrets.js';
import { providerSettingsOf, saveProviderSettings } from './provider-settings-repository.js';
import { unionpay } from './unionpay.js';
import { wechatpay } from './wechatpay.js';

export const providers: Record<ProviderName, PaymentProvider<any>> = { alipay, wechatpay, unionpay };

export interface ProviderConfig {
  enabled: boolean;
  settings: Record<string, unknown>;
  updatedAt: string;
}

export const REDACTED = '***';
const TTL_MS = 2000;

/** A provider whose stored secrets this process cannot open: its switch, and why. */
interface Unreadable {
  enabled: boolean;
  unreadable: UnreadableSecret;
}

export class PaymentProviderStore {
  private readonly cache = new Map<string, { value: Map<string, ProviderConfig | Unreadable>; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
  ) {}

  private async all(operatorId: string): Promise<Map<string, ProviderConfig | Unreadable>> {
    const hit = this.cache.get(operatorId);
    const now = Date.now();
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const rows = await providerSettingsOf(this.db.kysely, operatorId);
    const value = new Map(
      rows.map((row): [string, ProviderConfig | Unreadable] => {
        const enabled = row.enabled === 1;
        try {
          const settings = openProviderSecrets(providers, this.keyring, operatorId, row.provider, JSON.parse(row.settings) as Record<string, unknown>);
          return [row.provider, { enabled, settings, updatedAt: row.updated_at }];
        } catch (error) {
          if (error instanceof UnreadableSecret) return [row.provider, { enabled, unreadable: error }];
          throw error;
        }
      }),
    );
    this.cache.set(operatorId, { value, at: now });
    return value;
  }

  /** The provider's settings, secrets opened; `secret_unreadable` when this process lacks the master key they were sealed under. */
  async of(operatorId: string, provider: ProviderName): Promise<ProviderConfig | undefined> {
    const config = (await this.all(operatorId)).get(provider);
    if (config && 'unreadable' in config) throw unreadableSecret(config.unreadable, `the ${provider} settings`);
    return config;
  }

  /** The providers the operator offers now, in a fixed order. */
  async enabledFor(operatorId: string): Promise<ProviderName[]> {
    const all = await this.all(operatorId);
    return PROVIDERS.filter((provider) => all.get(provider)?.enabled === true);
  }

  /** Saves settings after checking all of them; `***` in a secret field keeps the stored secret. */
  async save(operatorId: string, provider: ProviderName, change: { enabled: boolean; settings: Record<string, unknown> }): Promise<ProviderConfig> {
    // Settings whose secrets no longer open (their master key is lost) are entered again whole.
    const stored = (await this.all(operatorId)).get(provider);
    const current = stored && 'unreadable' in stored ? undefined : stored;
    const settings = checkSettings(provider, withStoredSecrets(provider, change.settings, current?.settings), this.clock.now());
    const sealed = sealProviderSecrets(providers, this.keyring, operatorId, provider, settings);
    const row = { enabled: change.enabled ? 1 : 0, settings: JSON.stringify(sealed), updated_at: this.clock.now().toISOString() };
    await saveProviderSettings(this.db.kysely, operatorId, provider, row);
    this.cache.delete(operatorId);
    return { enabled: change.enabled, settings, updatedAt: row.updated_at };
  }
}

function withStoredSecrets(provider: ProviderName, incoming: Record<string, unknown>, stored: Record<string, unknown> | undefined) {
  const next = { ...incoming };
  for (const field of providers[provider].secretFields) {
    if (next[field] !== REDACTED) continue;
    if (stored?.[field] === undefined) {
      const message = {
        'zh-CN': `settings.${field}：请填写密钥本身。"***" 表示沿用已保存的密钥，但目前没有保存过。`,
        en: `settings.${field}: send the secret itself; "***" keeps a stored one, and none is stored.`,
      };
      throw new DomainError('invalid_request', message, { fields: [`/settings/${field}`] });
    }
    next[field] = stored[field];
  }
  return next;
}

/** The settings if their shape is right and their keys and certificates hold; a 4xx naming the field otherwise. */
export function checkSettings(provider: ProviderName, value: Record<string, unknown>, now: Date): Record<string, unknown> {
  const implementation = providers[provider];
  const problems = [...Value.Errors(implementation.schema, value)]
    .filter((error) => error.keyword !== 'boolean')
    .map((error) => {
      const extra =
        error.keyword === 'required' || error.keyword === 'additionalProperties' ? (Object.values(error.params)[0] as string[] | undefined) : undefined;
      const pointer = extra?.[0] !== undefined ? `${error.instancePath}/${extra[0]}` : error.instancePath;
      // TypeBox words its own messages in English only.
      const says =
        error.keyword === 'required'
          ? { zh: '为必填项', en: 'is required' }
          : error.keyword === 'additionalProperties'
            ? { zh: '不是可识别的设置项', en: 'is not a known setting' }
            : { zh: `不符合要求（${error.message}）`, en: error.message };
      const field = `settings${pointer.replaceAll('/', '.')}`;
      return { pointer: `/settings${pointer}`, zh: `${field} ${says.zh}`, en: `${field} ${says.en}` };
    });
  if (problems.length > 0) {
    const message = {
      'zh-CN': `${provider} 支付渠道的设置有误：${problems.map((p) => p.zh).join('；')}。`,
      en: `Invalid ${provider} settings: ${problems.map((p) => p.en).join('; ')}`,
    };
    throw new DomainError('invalid_request', message, { fields: [...new Set(problems.map((p) => p.pointer))] });
  }
  implementation.check(value, now);
  return value;
}

/** A copy safe for an answer or a log: every secret field is `***`. */
export function redactProviderSettings(provider: ProviderName, settings: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...settings };
  for (const field of providers[provider].secretFields) if (copy[field] !== undefined) copy[field] = REDACTED;
  return copy;
}
