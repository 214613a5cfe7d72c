/**
 * Alipay, through the official `alipay-sdk`: the signed (RSA2) checkout URL of
 * alipay.trade.page.pay on a computer or alipay.trade.wap.pay on a phone, and the
 * asynchronous notification (form-encoded POST to notify_url, RSA2 over the sorted
 * parameters without sign and sign_type), answered with the literal `success`.
 */
import { AlipaySdk } from 'alipay-sdk';
import { type Static, Type } from 'typebox';
import { DomainError } from '../shared/errors.js';
import { invalidSetting, keysMatch, pkcs8Pem, readPrivateKey, readPublicKey, spkiPem } from './keys.js';
import { fenToYuan, yuanToFen } from './money.js';
import type { PaymentEvent } from './payment-service.js';
import {
  type CheckoutRequest,
  type CheckoutStep,
  formFields,
  GatewayUrl,
  type PaymentProvider,
  type ReceivedNotification,
  type VerifiedNotification,
} from './provider.js';

export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export const AlipaySettings = Type.Object(
  {
    appId: Type.String({ pattern: '^[0-9]{8,32}$', description: 'The application id (APPID) in the Alipay open platform.', examples: ['2021000000000000'] }),
    privateKey: Type.String({
      minLength: 1,
      maxLength: 8192,
      description: "The application's RSA2 private key: PEM, or the base64 Alipay's key tool gives. Secret: answered as `***`.",
    }),
    alipayPublicKey: Type.String({ minLength: 1, maxLength: 8192, description: "Alipay's public key for this application (PEM or base64)." }),
    sellerId: Type.Optional(
      Type.String({ pattern: '^2088[0-9]{12}$', description: "The merchant's PID (2088…): notifications for another seller are refused." }),
    ),
    gateway: GatewayUrl(`The gateway URL; default ${ALIPAY_GATEWAY}. Alipay's sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do`),
  },
  { additionalProperties: false },
);
export type AlipaySettings = Static<typeof AlipaySettings>;

// trade_status → what it means for the payment. WAIT_BUYER_PAY changes nothing.
const STATUS: Record<string, PaymentEvent['type']> = {
  TRADE_SUCCESS: 'payment.succeeded',
  TRADE_FINISHED: 'payment.succeeded',
  TRADE_CLOSED: 'payment.failed',
  WAIT_BUYER_PAY: 'payment.pending',
};

function sdkOf(settings: AlipaySettings): AlipaySdk {
  return new AlipaySdk({
    appId: settings.appId,
    privateKey: pkcs8Pem(readPrivateKey(settings.privateKey, 'privateKey')),
    keyType: 'PKCS8',
    alipayPublicKey: spkiPem(readPublicKey(settings.alipayPublicKey, 'alipayPublicKey')),
    gateway: settings.gateway ?? ALIPAY_GATEWAY,
    signType: 'RSA2',
  });
}

export const alipay: PaymentProvider<AlipaySettings> = {
  name: 'alipay',
  schema: AlipaySettings,
  secretFields: ['privateKey'],

  check(settings) {
    const privateKey = readPrivateKey(settings.privateKey, 'privateKey');
    const publicKey = readPublicKey(settings.alipayPublicKey, 'alipayPublicKey');
    // Alipay's public key is not the application's: pasting the app's own is a common slip.
    if (keysMatch(privateKey, publicKey))
      throw invalidSetting('alipayPublicKey', {
        'zh-CN': '这是应用自己的公钥，请粘贴支付宝公钥。',
        en: "this is the application's own public key; paste Alipay's public key.",
      });
  },

  async startCheckout(settings, request: CheckoutRequest): Promise<CheckoutStep> {
    const url = sdkOf(settings).pageExecute(request.mobile ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', 'GET', {
      bizContent: {
        out_trade_no: request.paymentId,
        total_amount: fenToYuan(request.amount),
        subject: request.subject.slice(0, 256),
        product_code: request.mobile ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
        ...(request.mobile ? { quit_url: request.returnUrl } : {}),
      },
      notifyUrl: request.notifyUrl,
      returnUrl: request.returnUrl,
    });
    return { kind: 'redirect', url };
  },

  verify(settings, notification: ReceivedNotification): VerifiedNotification {
    const fields = formFields(notification.body);
    if (!fields.sign) throw new DomainError('signature_missing', { 'zh-CN': '通知缺少 sign 签名。', en: 'The notification has no sign.' });
    if (fields.sign_type && fields.sign_type !== 'RSA2')
      throw new DomainError('signature_invalid', {
        'zh-CN': `不接受 sign_type ${fields.sign_type}，只支持 RSA2。`,
        en: `sign_type ${fields.sign_type} is not accepted; RSA2 only.`,
      });
    if (!sdkOf(settings).checkNotifySignV2(fields))
      throw new DomainError('signature_invalid', { 'zh-CN': '该通知不是支付宝签名的。', en: 'The notification is not signed by Alipay.' });
    // The spec's checks after the signature: this application, this seller.
    if (fields.app_id !== settings.appId)
      throw new DomainError('invalid_request', {
        'zh-CN': `app_id ${fields.app_id ?? '（无）'} 不是本运营商的应用。`,
        en: `app_id ${fields.app_id ?? '(none)'} is not this operator's application.`,
      });
    if (settings.sellerId !== undefined && fields.seller_id !== settings.sellerId) {
      throw new DomainError('invalid_request', {
        'zh-CN': `seller_id ${fields.seller_id ?? '（无）'} 不是本运营商的卖家。`,
        en: `seller_id ${fields.seller_id ?? '(none)'} is not this operator's seller.`,
      });
    }
    const type = STATUS[fields.trade_status ?? ''];
    const amount = yuanToFen(fields.total_amount ?? '');
    if (!type || amount === undefined || !fields.out_trade_no || !fields.trade_no) {
      throw new DomainError('invalid_request', {
        'zh-CN': '通知缺少 out_trade_no、trade_no、可识别的 trade_status 或以元为单位的 total_amount。',
        en: 'The notification lacks out_trade_no, trade_no, a known trade_status or a total_amount in yuan.',
      });
    }
    return {
      // One event per trade and status: a repeated delivery is the same event.
      event: { id: `${fields.trade_no}:${fields.trade_status}`, type, data: { paymentId: fields.out_trade_no, amount, currency: 'CNY' } },
      signature: fields.sign,
    };
  },

  acknowledge: () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' }),
  // Anything but `success` makes Alipay deliver again.
  refusal: () => ({}),
};
