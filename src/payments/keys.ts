/**
 * Reading the keys and certificates operators paste into the admin API: PEM, or the bare
 * base64 that Alipay's key tool and some consoles hand out. Each failure names the field.
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { DomainError, type Text } from '../shared/errors.js';

export const invalidSetting = (field: string, message: Text) =>
  new DomainError('payment_provider_invalid', { 'zh-CN': `${field}：${message['zh-CN']}`, en: `${field}: ${message.en}` }, { fields: [`/settings/${field}`] });

const notRsa = (type: string | undefined): Text => ({ 'zh-CN': `需要 RSA 密钥，而这是 ${type} 密钥。`, en: `an RSA key is needed, this is ${type}.` });

const bare = (text: string) => text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

/** An RSA private key from PEM (PKCS#1 or PKCS#8) or bare base64 DER. */
export function readPrivateKey(text: string, field: string): KeyObject {
  const attempts: (() => KeyObject)[] = text.includes('-----BEGIN')
    ? [() => createPrivateKey(text)]
    : (['pkcs8', 'pkcs1'] as const).map((type) => () => createPrivateKey({ key: Buffer.from(bare(text), 'base64'), format: 'der', type }));
  for (const attempt of attempts) {
    try {
      const key = attempt();
      if (key.asymmetricKeyType !== 'rsa') throw invalidSetting(field, notRsa(key.asymmetricKeyType));
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
        throw invalidSetting(field, { 'zh-CN': 'RSA 密钥至少需要 2048 位。', en: 'the RSA key must have at least 2048 bits.' });
      return key;
    } catch (error) {
      if (error instanceof DomainError) throw error;
    }
  }
  throw invalidSetting(field, {
    'zh-CN': '不是 RSA 私钥（应为以 "-----BEGIN PRIVATE KEY-----" 或 "-----BEGIN RSA PRIVATE KEY-----" 开头的 PEM，或其 base64）。',
    en: 'not an RSA private key (expected PEM "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----", or its base64).',
  });
}

/** An RSA public key from PEM (public key or certificate) or bare base64 SPKI DER. */
export function readPublicKey(text: string, field: string): KeyObject {
  try {
    const key = text.includes('BEGIN CERTIFICATE')
      ? new X509Certificate(text).publicKey
      : text.includes('-----BEGIN')
        ? createPublicKey(text)
        : createPublicKey({ key: Buffer.from(bare(text), 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa') throw invalidSetting(field, notRsa(key.asymmetricKeyType));
    return key;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalidSetting(field, {
      'zh-CN': '不是 RSA 公钥（应为以 "-----BEGIN PUBLIC KEY-----" 开头的 PEM、证书，或公钥的 base64）。',
      en: 'not an RSA public key (expected PEM "-----BEGIN PUBLIC KEY-----", a certificate, or the base64 of the key).',
    });
  }
}

export function readCertificate(text: string, field: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw invalidSetting(field, {
      'zh-CN': '不是 X.509 证书（应为以 "-----BEGIN CERTIFICATE-----" 开头的 PEM）。',
      en: 'not an X.509 certificate (expected PEM "-----BEGIN CERTIFICATE-----").',
    });
  }
}

/** True when the private key is the one whose public half is given. */
export function keysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const probe = randomBytes(32);
  return verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
}

export const pkcs8Pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
export const spkiPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
