/**
 * Bank cards through China UnionPay's online gateway (全渠道 ACP 5.1.0): front-end
 * consumption (txnType 01, bizType 000201) as a self-submitting form to the gateway's
 * frontTransReq.do, signed with the merchant's signing key (signMethod 01); the back
 * notification (backUrl, form-encoded) verified with UnionPay's signing certificate and
 * answered `ok`. respCode 00 (or A6, partly successful) is a success. UnionPay's order
 * numbers are 8–40 letters and digits, so the payment id is sent without its `_`.
 */
import { Temporal } from 'temporal-polyfill';
import { type Static, Type } from 'typebox';
import { DomainError } from '../shared/errors.js';
import { invalidSetting, keysMatch, readCertificate, readPrivateKey } from './keys.js';
import {
  type CheckoutRequest,
  type CheckoutStep,
  formFields,
  GatewayUrl,
  type PaymentProvider,
  type ReceivedNotification,
  type VerifiedNotification,
} from './provider.js';
import { certIdOf, signFields, trustedSigningCertificate, verifyFields } from './unionpay-crypto.js';

export const UNIONPAY_GATEWAY = 'https://gateway.95516.com';
export const FRONT_TRANS_PATH = '/gateway/api/frontTransReq.do';

const Pem = (description: string) => Type.String({ minLength: 1, maxLength: 16384, description });

export const UnionpaySettings = Type.Object(
  {
    merId: Type.String({ pattern: '^[0-9A-Za-z]{15}$', description: 'Merchant number (商户号), 15 characters.', examples: ['777290058110048'] }),
    signCert: Pem("The merchant's signing certificate (PEM; `openssl pkcs12 -in acp_sign.pfx -clcerts -nokeys`). Its serial is the certId."),
    signKey: Pem("The merchant's signing private key (PEM; `openssl pkcs12 -in acp_sign.pfx -nocerts -nodes`). Secret: answered as `***`."),
    rootCert: Pem("UnionPay's root certificate (acp_prod_root.cer, PEM)."),
    middleCert: Pem("UnionPay's middle certificate (acp_prod_middle.cer, PEM)."),
    testCertificates: Type.Optional(Type.Boolean({ description: "Accept the test environment's signing certificate (CN …@00040000:SIGN@…)." })),
    gateway: GatewayUrl(`Gateway base URL; default ${UNIONPAY_GATEWAY} (test: https://gateway.test.95516.com).`),
  },
  { additionalProperties: false },
);
export type UnionpaySettings = Static<typeof UnionpaySettings>;

/** The payment id as UnionPay's orderId (letters and digits only), and back. */
export const unionpayOrderId = (paymentId: string) => paymentId.replace('_', '');
const paymentIdOf = (orderId: string) => (orderId.startsWith('pay') ? `pay_${orderId.slice(3)}` : orderId);

/** YYYYMMDDhhmmss in Beijing time, as txnTime is written. */
function txnTime(now: Date): string {
  const t = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO('Asia/Shanghai');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.year}${two(t.month)}${two(t.day)}${two(t.hour)}${two(t.minute)}${two(t.second)}`;
}

const SUCCESS = new Set(['00', 'A6']);

export const unionpay: PaymentProvider<UnionpaySettings> = {
  name: 'unionpay',
  schema: UnionpaySettings,
  secretFields: ['signKey'],

  check(settings, now) {
    const certificate = readCertificate(settings.signCert, 'signCert');
    const key = readPrivateKey(settings.signKey, 'signKey');
    if (!keysMatch(key, certificate.publicKey))
      throw invalidSetting('signKey', { 'zh-CN': '这个私钥与 signCert 不匹配。', en: 'this key is not the one of signCert.' });
    if (Date.parse(certificate.validTo) < now.getTime())
      throw invalidSetting('signCert', { 'zh-CN': `该证书已于 ${certificate.validTo} 过期。`, en: `the certificate expired on ${certificate.validTo}.` });
    const root = readCertificate(settings.rootCert, 'rootCert');
    const middle = readCertificate(settings.middleCert, 'middleCert');
    if (!middle.checkIssued(root) || !middle.verify(root.publicKey))
      throw invalidSetting('middleCert', { 'zh-CN': '该证书不是由 rootCert 签发的。', en: 'rootCert did not issue this certificate.' });
  },

  async startCheckout(settings, request: CheckoutRequest): Promise<CheckoutStep> {
    const fields: Record<string, string> = {
      version: '5.1.0',
      encoding: 'UTF-8',
      signMethod: '01',
      txnType: '01',
      txnSubType: '01',
      bizType: '000201',
      channelType: request.mobile ? '08' : '07',
      accessType: '0',
      merId: settings.merId,
      orderId: unionpayOrderId(request.paymentId),
      txnTime: txnTime(request.now),
      txnAmt: String(request.amount),
      currencyCode: '156',
      frontUrl: request.returnUrl,
      backUrl: request.notifyUrl,
      certId: certIdOf(readCertificate(settings.signCert, 'signCert')),
    };
    fields.signature = signFields(fields, readPrivateKey(settings.signKey, 'signKey'));
    return { kind: 'form', action: `${(settings.gateway ?? UNIONPAY_GATEWAY).replace(/\/+$/, '')}${FRONT_TRANS_PATH}`, fields };
  },

  verify(settings, notification: ReceivedNotification): VerifiedNotification {
    const fields = formFields(notification.body);
    if (!fields.signature) throw new DomainError('signature_missing', { 'zh-CN': '通知缺少 signature。', en: 'The notification has no signature.' });
    if (fields.signMethod !== '01' || fields.version !== '5.1.0') {
      throw new DomainError('signature_invalid', {
        'zh-CN': `不接受 version ${fields.version} 与 signMethod ${fields.signMethod}，只支持 5.1.0 与 01。`,
        en: `version ${fields.version} with signMethod ${fields.signMethod} is not accepted; 5.1.0 with 01 only.`,
      });
    }
    const anchors = {
      root: readCertificate(settings.rootCert, 'rootCert'),
      middle: readCertificate(settings.middleCert, 'middleCert'),
      testCertificates: settings.testCertificates === true,
    };
    verifyFields(fields, trustedSigningCertificate(fields.signPubKeyCert, anchors, notification.now));
    if (fields.merId !== settings.merId) {
      throw new DomainError('invalid_request', {
        'zh-CN': `merId ${fields.merId ?? '（无）'} 不是本运营商的商户号。`,
        en: `merId ${fields.merId ?? '(none)'} is not this operator's merchant.`,
      });
    }
    const amount = /^\d{1,12}$/.test(fields.txnAmt ?? '') ? Number(fields.txnAmt) : undefined;
    if (!fields.orderId || !fields.queryId || !fields.respCode || amount === undefined) {
      throw new DomainError('invalid_request', {
        'zh-CN': '通知缺少 orderId、queryId、respCode 或 txnAmt。',
        en: 'The notification lacks orderId, queryId, respCode or txnAmt.',
      });
    }
    return {
      event: {
        id: `${fields.queryId}:${fields.respCode}`,
        type: SUCCESS.has(fields.respCode) ? 'payment.succeeded' : 'payment.failed',
        data: { paymentId: paymentIdOf(fields.orderId), amount, currency: fields.currencyCode === '156' ? 'CNY' : `ISO-${fields.currencyCode ?? ''}` },
      },
      signature: fields.signature,
    };
  },

  acknowledge: () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' }),
  // Any status but 200 makes UnionPay deliver again.
  refusal: () => ({}),
};
