/**
 * The sandbox provider's webhook signature, as `api-v1.md` specifies it:
 * `Simkeep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 */
import { hmacHex, safeEqual } from '../platform/secrets.js';
import { DomainError } from '../shared/errors.js';

export const SIGNATURE_HEADER = 'simkeep-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signSandboxEvent(secret: string, rawBody: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${rawBody}`)}`;
}

/** Throws `signature_missing`, `signature_expired` or `signature_invalid` unless the header signs the body. */
export function verifySandboxSignature(secret: string, rawBody: string, header: string | undefined, now: Date): void {
  if (header === undefined || header.trim() === '') {
    throw new DomainError('signature_missing', { 'zh-CN': '缺少 Simkeep-Signature 请求头。', en: 'The Simkeep-Signature header is missing.' });
  }
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const name = item.slice(0, at).trim();
    parts.set(name, [...(parts.get(name) ?? []), item.slice(at + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const signatures = parts.get('v1') ?? [];
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) {
    throw new DomainError('signature_invalid', {
      'zh-CN': 'Simkeep-Signature 请求头格式有误，应为 t=<Unix 秒数>,v1=<十六进制>。',
      en: 'The Simkeep-Signature header is malformed; expected t=<unix seconds>,v1=<hex>.',
    });
  }
  if (Math.abs(now.getTime() / 1000 - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new DomainError('signature_expired', {
      'zh-CN': '签名时间戳与当前时间相差超过 300 秒。',
      en: 'The signature timestamp is more than 300 seconds from now.',
    });
  }
  const expected = hmacHex(secret, `${t}.${rawBody}`);
  if (!signatures.some((candidate) => safeEqual(candidate, expected))) {
    throw new DomainError('signature_invalid', { 'zh-CN': '签名与请求内容不符。', en: 'The signature does not match the body.' });
  }
}
