/**
 * WeChat Pay API v3's cryptography, by its specification, with node:crypto: the merchant's
 * request signature (SHA256withRSA over "METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n" in the
 * `WECHATPAY2-SHA256-RSA2048` Authorization header), the check of WeChat Pay's signature on
 * answers and notifications ("TIMESTAMP\nNONCE\nBODY\n" with the platform certificate or
 * the WeChat Pay public key named by Wechatpay-Serial), and AEAD_AES_256_GCM decryption of
 * a notification's resource with the APIv3 key. Pure: the time is an argument.
 */
import { createDecipheriv, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { DomainError } from '../shared/errors.js';

export const WECHATPAY_TOLERANCE_SECONDS = 300;

export interface MerchantIdentity {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
}

/** The Authorization header of one request; `url` is the path with its query, as sent. */
export function authorization(merchant: MerchantIdentity, method: string, url: string, body: string, now: Date, nonce = randomBytes(16).toString('hex')) {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const message = `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
  const signature = sign('sha256', Buffer.from(message, 'utf8'), merchant.privateKey).toString('base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${merchant.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchant.serialNo}"`;
}

export interface SignedMessage {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  serial: string | undefined;
  body: string;
}

/** Throws unless WeChat Pay signed the message within the time window with a key we know. */
export function verifyWechatpaySignature(message: SignedMessage, keys: ReadonlyMap<string, KeyObject>, now: Date): void {
  const { timestamp, nonce, signature, serial, body } = message;
  if (!timestamp || !nonce || !signature || !serial) {
    throw new DomainError('signature_missing', {
      'zh-CN': 'Wechatpay-Timestamp、Wechatpay-Nonce、Wechatpay-Signature 和 Wechatpay-Serial 四个请求头缺一不可。',
      en: 'Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature and Wechatpay-Serial are all needed.',
    });
  }
  if (!/^\d{1,12}$/.test(timestamp))
    throw new DomainError('signature_invalid', { 'zh-CN': 'Wechatpay-Timestamp 不是秒数。', en: 'Wechatpay-Timestamp is not a number of seconds.' });
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WECHATPAY_TOLERANCE_SECONDS) {
    throw new DomainError('signature_expired', {
      'zh-CN': 'Wechatpay-Timestamp 与当前时间相差超过 300 秒。',
      en: 'Wechatpay-Timestamp is more than 300 seconds from now.',
    });
  }
  const key = keys.get(serial);
  if (!key)
    throw new DomainError('signature_invalid', {
      'zh-CN': `Wechatpay-Serial ${serial} 不是已配置的任何平台密钥。`,
      en: `Wechatpay-Serial ${serial} is none of the configured platform keys.`,
    });
  const ok = verify('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), key, Buffer.from(signature, 'base64'));
  if (!ok) throw new DomainError('signature_invalid', { 'zh-CN': 'Wechatpay-Signature 不匹配。', en: 'Wechatpay-Signature does not match.' });
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

/** The plaintext of an AEAD_AES_256_GCM resource (ciphertext = base64 of encrypted bytes and the 16-byte tag). */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM')
    throw new DomainError('invalid_request', {
      'zh-CN': `resource.algorithm ${resource.algorithm} 不是 AEAD_AES_256_GCM。`,
      en: `resource.algorithm ${resource.algorithm} is not AEAD_AES_256_GCM.`,
    });
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new DomainError('invalid_request', { 'zh-CN': 'resource.ciphertext 太短。', en: 'resource.ciphertext is too short.' });
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new DomainError('invalid_request', { 'zh-CN': '无法用 APIv3 密钥解密 resource。', en: 'resource cannot be decrypted with the APIv3 key.' });
  }
}
