/**
 * WeChat Pay API v3, by its specification (no SDK): a Native transaction whose code_url
 * our checkout page shows as a QR code (or, for phones where the merchant has H5 payment,
 * an H5 transaction whose h5_url the browser opens), WeChat Pay's signature checked on its
 * answers and on notifications, the notification's resource decrypted with the APIv3 key.
 * Notifications are answered 204 on success and 4xx/5xx `{code, message}` otherwise, so
 * WeChat Pay retries.
 */
import type { KeyObject } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { DomainError } from '../shared/errors.js';
import { invalidSetting, keysMatch, readPrivateKey, readPublicKey } from './keys.js';
import type { PaymentEvent } from './payment-service.js';
import {
  type CheckoutRequest,
  type CheckoutStep,
  GatewayUrl,
  header,
  type PaymentProvider,
  type ReceivedNotification,
  type VerifiedNotification,
} from './provider.js';
import { authorization, decryptResource, type EncryptedResource, verifyWechatpaySignature } from './wechatpay-crypto.js';

export const WECHATPAY_GATEWAY = 'https://api.mch.weixin.qq.com';
const TIMEOUT_MS = 10_000;

const PlatformKey = Type.Object(
  {
    serial: Type.String({
      pattern: '^[0-9A-Za-z_]{1,128}$',
      description: 'The platform certificate serial number, or the WeChat Pay public key id (PUB_KEY_ID_…), as Wechatpay-Serial names it.',
    }),
    key: Type.String({ minLength: 1, maxLength: 16384, description: 'The platform certificate or the WeChat Pay public key (PEM).' }),
  },
  { additionalProperties: false },
);

export const WechatpaySettings = Type.Object(
  {
    mchId: Type.String({ pattern: '^[0-9]{1,32}$', description: 'Merchant id (mchid).', examples: ['1900000001'] }),
    appId: Type.String({ pattern: '^[0-9A-Za-z_]{1,32}$', description: 'The AppID bound to the merchant.', examples: ['wxd678efh567hg6787'] }),
    merchantSerialNo: Type.String({ pattern: '^[0-9A-Fa-f]{1,64}$', description: "Serial number of the merchant's API certificate." }),
    merchantPrivateKey: Type.String({
      minLength: 1,
      maxLength: 8192,
      description: "The merchant's API private key (apiclient_key.pem). Secret: answered as `***`.",
    }),
    apiV3Key: Type.String({ minLength: 1, maxLength: 64, description: 'The APIv3 key (32 characters). Secret: answered as `***`.' }),
    platformKeys: Type.Array(PlatformKey, { minItems: 1, maxItems: 5, description: 'Keys that verify WeChat Pay: several while one is being replaced.' }),
    h5: Type.Optional(Type.Boolean({ description: 'The merchant has H5 payment: phones open WeChat Pay directly instead of being shown a QR code.' })),
    gateway: GatewayUrl(`API base URL; default ${WECHATPAY_GATEWAY}.`),
  },
  { additionalProperties: false },
);
export type WechatpaySettings = Static<typeof WechatpaySettings>;

const STATE: Record<string, PaymentEvent['type']> = {
  SUCCESS: 'payment.succeeded',
  CLOSED: 'payment.failed',
  REVOKED: 'payment.failed',
  PAYERROR: 'payment.failed',
};

function platformKeys(settings: WechatpaySettings): Map<string, KeyObject> {
  return new Map(settings.platformKeys.map((entry, i) => [entry.serial, readPublicKey(entry.key, `platformKeys/${i}/key`)]));
}

const answer = (response: Response, body: string) => ({
  timestamp: response.headers.get('wechatpay-timestamp') ?? undefined,
  nonce: response.headers.get('wechatpay-nonce') ?? undefined,
  signature: response.headers.get('wechatpay-signature') ?? undefined,
  serial: response.headers.get('wechatpay-serial') ?? undefined,
  body,
});

async function createTransaction(settings: WechatpaySettings, path: string, payload: object, now: Date): Promise<Record<string, unknown>> {
  const url = new URL(`${(settings.gateway ?? WECHATPAY_GATEWAY).replace(/\/+$/, '')}${path}`);
  const body = JSON.stringify(payload);
  const merchant = {
    mchid: settings.mchId,
    serialNo: settings.merchantSerialNo,
    privateKey: readPrivateKey(settings.merchantPrivateKey, 'merchantPrivateKey'),
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: authorization(merchant, 'POST', `${url.pathname}${url.search}`, body, now),
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'simkeep',
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error).message;
    throw new DomainError('payment_provider_error', { 'zh-CN': `无法连接微信支付：${cause}`, en: `WeChat Pay could not be reached: ${cause}` });
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Reported below with the status.
  }
  if (!response.ok) {
    const said = `${response.status} ${String(parsed.code ?? '')} ${String(parsed.message ?? '')}`.trim();
    throw new DomainError('payment_provider_error', { 'zh-CN': `微信支付拒绝了该交易：${said}`, en: `WeChat Pay refused the transaction: ${said}` });
  }
  try {
    verifyWechatpaySignature(answer(response, text), platformKeys(settings), now);
  } catch (error) {
    const cause = (error as Error).message;
    throw new DomainError('payment_provider_error', {
      'zh-CN': `微信支付的应答未通过签名校验：${cause}`,
      en: `WeChat Pay's answer failed its signature check: ${cause}`,
    });
  }
  return parsed;
}

export const wechatpay: PaymentProvider<WechatpaySettings> = {
  name: 'wechatpay',
  schema: WechatpaySettings,
  secretFields: ['merchantPrivateKey', 'apiV3Key'],

  check(settings) {
    const own = readPrivateKey(settings.merchantPrivateKey, 'merchantPrivateKey');
    if (Buffer.byteLength(settings.apiV3Key, 'utf8') !== 32)
      throw invalidSetting('apiV3Key', { 'zh-CN': 'APIv3 密钥须恰好为 32 个字符。', en: 'the APIv3 key has exactly 32 characters.' });
    const serials = new Set<string>();
    for (const [i, entry] of settings.platformKeys.entries()) {
      const key = readPublicKey(entry.key, `platformKeys/${i}/key`);
      if (keysMatch(own, key))
        throw invalidSetting(`platformKeys/${i}/key`, {
          'zh-CN': '这是商户自己的密钥，请粘贴微信支付的平台证书或公钥。',
          en: "this is the merchant's own key; paste WeChat Pay's platform certificate or public key.",
        });
      if (serials.has(entry.serial))
        throw invalidSetting(`platformKeys/${i}/serial`, { 'zh-CN': '这个序列号出现了两次。', en: 'this serial is listed twice.' });
      serials.add(entry.serial);
    }
  },

  async startCheckout(settings, request: CheckoutRequest): Promise<CheckoutStep> {
    const h5 = request.mobile && settings.h5 === true;
    const common = {
      appid: settings.appId,
      mchid: settings.mchId,
      description: request.subject.slice(0, 127),
      out_trade_no: request.paymentId,
      notify_url: request.notifyUrl,
      amount: { total: request.amount, currency: 'CNY' },
    };
    if (h5) {
      const created = await createTransaction(
        settings,
        '/v3/pay/transactions/h5',
        { ...common, scene_info: { payer_client_ip: request.clientIp, h5_info: { type: 'Wap' } } },
        request.now,
      );
      if (typeof created.h5_url !== 'string')
        throw new DomainError('payment_provider_error', { 'zh-CN': '微信支付的应答缺少 h5_url。', en: 'WeChat Pay answered without h5_url.' });
      const url = new URL(created.h5_url);
      url.searchParams.set('redirect_url', request.returnUrl);
      return { kind: 'redirect', url: url.toString() };
    }
    const created = await createTransaction(settings, '/v3/pay/transactions/native', common, request.now);
    if (typeof created.code_url !== 'string')
      throw new DomainError('payment_provider_error', { 'zh-CN': '微信支付的应答缺少 code_url。', en: 'WeChat Pay answered without code_url.' });
    return { kind: 'qr', content: created.code_url };
  },

  verify(settings, notification: ReceivedNotification): VerifiedNotification {
    const signed = {
      timestamp: header(notification.headers, 'wechatpay-timestamp'),
      nonce: header(notification.headers, 'wechatpay-nonce'),
      signature: header(notification.headers, 'wechatpay-signature'),
      serial: header(notification.headers, 'wechatpay-serial'),
      body: notification.body,
    };
    verifyWechatpaySignature(signed, platformKeys(settings), notification.now);
    let envelope: { id?: unknown; resource?: EncryptedResource };
    let transaction: { mchid?: unknown; appid?: unknown; out_trade_no?: unknown; trade_state?: unknown; amount?: { total?: unknown; currency?: unknown } };
    try {
      envelope = JSON.parse(notification.body);
      transaction = JSON.parse(decryptResource(envelope.resource as EncryptedResource, settings.apiV3Key));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('invalid_request', {
        'zh-CN': '该通知或其 resource 不是微信支付发送的 JSON 格式。',
        en: 'The notification or its resource is not the JSON WeChat Pay sends.',
      });
    }
    if (transaction.mchid !== settings.mchId || transaction.appid !== settings.appId) {
      throw new DomainError('invalid_request', {
        'zh-CN': '该交易不属于本运营商的商户号和应用。',
        en: "The transaction is not this operator's merchant and application.",
      });
    }
    const total = transaction.amount?.total;
    if (typeof envelope.id !== 'string' || typeof transaction.out_trade_no !== 'string' || !Number.isSafeInteger(total) || (total as number) < 0) {
      throw new DomainError('invalid_request', {
        'zh-CN': '通知缺少 id、out_trade_no 或 amount.total。',
        en: 'The notification lacks its id, out_trade_no or amount.total.',
      });
    }
    return {
      event: {
        id: envelope.id,
        type: STATE[String(transaction.trade_state)] ?? 'payment.pending',
        data: { paymentId: transaction.out_trade_no, amount: total as number, currency: String(transaction.amount?.currency ?? 'CNY') },
      },
      signature: `t=${signed.timestamp},nonce=${signed.nonce},serial=${signed.serial},signature=${signed.signature}`,
    };
  },

  acknowledge: () => ({ status: 204, contentType: 'application/json', body: '' }),
  refusal: (message) => ({ code: 'FAIL', message }),
};
