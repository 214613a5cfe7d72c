/**
 * China UnionPay online gateway (ACP, version 5.1.0, signMethod 01) signatures, by its
 * specification: the fields sorted by name as `k=v&…` without `signature`, their SHA-256
 * in lowercase hex, and that hex string signed SHA256withRSA, base64. A notification
 * carries UnionPay's signing certificate (`signPubKeyCert`), which must chain to the
 * configured middle and root certificates, be in its validity period, and name China
 * UnionPay (中国银联股份有限公司) in its CN. Pure: the time is an argument.
 */
import { createHash, type KeyObject, sign, verify, X509Certificate } from 'node:crypto';
import { DomainError } from '../shared/errors.js';

export const UNIONPAY_COMPANY = '中国银联股份有限公司';
/** The CN part UnionPay's test environment puts where production has the company name. */
export const UNIONPAY_TEST_CN = '00040000:SIGN';

export function signString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
}

const digestHex = (fields: Record<string, string>) => createHash('sha256').update(signString(fields), 'utf8').digest('hex');

export function signFields(fields: Record<string, string>, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(digestHex(fields), 'utf8'), privateKey).toString('base64');
}

/** certId: the merchant signing certificate's serial number, in decimal. */
export const certIdOf = (certificate: X509Certificate) => BigInt(`0x${certificate.serialNumber}`).toString(10);

/** The third `@`-separated part of the CN, where UnionPay writes its name. */
function cnCompany(certificate: X509Certificate): string | undefined {
  const cn = certificate.subject
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3);
  return cn?.split('@')[2];
}

export interface TrustAnchors {
  root: X509Certificate;
  middle: X509Certificate;
  /** Also accept the test environment's CN. */
  testCertificates: boolean;
}

/** UnionPay's signing certificate from a notification, once it is shown to be UnionPay's. */
export function trustedSigningCertificate(pem: string | undefined, anchors: TrustAnchors, now: Date): X509Certificate {
  if (!pem) throw new DomainError('signature_missing', { 'zh-CN': '通知缺少 signPubKeyCert。', en: 'The notification has no signPubKeyCert.' });
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new DomainError('signature_invalid', { 'zh-CN': 'signPubKeyCert 不是证书。', en: 'signPubKeyCert is not a certificate.' });
  }
  const within = (c: X509Certificate) => Date.parse(c.validFrom) <= now.getTime() && now.getTime() <= Date.parse(c.validTo);
  const chained =
    certificate.checkIssued(anchors.middle) &&
    certificate.verify(anchors.middle.publicKey) &&
    anchors.middle.checkIssued(anchors.root) &&
    anchors.middle.verify(anchors.root.publicKey);
  if (!chained)
    throw new DomainError('signature_invalid', {
      'zh-CN': 'signPubKeyCert 无法追溯到已配置的银联证书。',
      en: 'signPubKeyCert does not chain to the configured UnionPay certificates.',
    });
  if (!within(certificate) || !within(anchors.middle))
    throw new DomainError('signature_expired', { 'zh-CN': 'signPubKeyCert 不在有效期内。', en: 'signPubKeyCert is outside its validity period.' });
  const company = cnCompany(certificate);
  if (company !== UNIONPAY_COMPANY && !(anchors.testCertificates && company === UNIONPAY_TEST_CN)) {
    throw new DomainError('signature_invalid', { 'zh-CN': 'signPubKeyCert 上的名称不是中国银联。', en: 'signPubKeyCert does not name China UnionPay.' });
  }
  return certificate;
}

export function verifyFields(fields: Record<string, string>, certificate: X509Certificate): void {
  if (!fields.signature) throw new DomainError('signature_missing', { 'zh-CN': '通知缺少 signature。', en: 'The notification has no signature.' });
  const ok = verify('sha256', Buffer.from(digestHex(fields), 'utf8'), certificate.publicKey, Buffer.from(fields.signature, 'base64'));
  if (!ok) throw new DomainError('signature_invalid', { 'zh-CN': '签名与通知的字段不符。', en: 'The signature does not match the fields.' });
}
