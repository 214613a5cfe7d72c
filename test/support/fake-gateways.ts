/**
 * Alipay, WeChat Pay and UnionPay as a test plays them: one local HTTP server with each
 * provider's keys, which receives simkeep's signed requests and checks them by the
 * providers' published rules (written here again, apart from simkeep's code, so a wrong
 * signature fails), shows a cashier page, and sends back notifications signed — and for
 * WeChat Pay encrypted — the way each provider does.
 */
import { createCipheriv, createHash, generateKeyPairSync, type KeyObject, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { certificate, type Issued } from './certificates.js';

export interface Delivery {
  status: number;
  body: string;
}
/** Sends a notification to simkeep: real HTTP by default; tests route it to `app.inject`. */
export type Deliver = (url: string, init: { headers: Record<string, string>; body: string }) => Promise<Delivery>;

const httpDeliver: Deliver = async (url, init) => {
  const response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body });
  return { status: response.status, body: await response.text() };
};

const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: type === 'pkcs8' ? 'pem' : 'pem' }).toString();
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const sortedPairs = (fields: Record<string, string>, skip: string[]) =>
  Object.keys(fields)
    .filter((key) => !skip.includes(key))
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const page = (title: string, action: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><form method="post" action="${action}"><button type="submit">Pay now</button></form></body></html>`;

// ---------------------------------------------------------------- Alipay

export interface AlipayCheckout {
  method: string;
  params: Record<string, string>;
  biz: { out_trade_no: string; total_amount: string; subject: string; product_code: string };
}

export class FakeAlipay {
  readonly appId = '2021000111222333';
  readonly sellerId = '2088000111222333';
  readonly app = rsa();
  readonly alipay = rsa();
  readonly checkouts: AlipayCheckout[] = [];
  readonly refused: string[] = [];
  private trade = 0;

  constructor(private readonly gateways: FakeGateways) {}

  settings(overrides: Record<string, unknown> = {}) {
    return {
      appId: this.appId,
      privateKey: pem(this.app.privateKey, 'pkcs8'),
      alipayPublicKey: pem(this.alipay.publicKey, 'spki'),
      sellerId: this.sellerId,
      gateway: `${this.gateways.url}/gateway.do`,
      ...overrides,
    };
  }

  /** A request to gateway.do, checked as Alipay does: RSA2 over every parameter but sign, sorted. */
  accept(params: Record<string, string>): AlipayCheckout | string {
    const { sign: signature, ...rest } = params;
    if (!signature) return 'missing sign';
    if (rest.sign_type !== 'RSA2' || rest.charset !== 'utf-8' || rest.version !== '1.0') return 'bad sign_type, charset or version';
    if (!verify('sha256', Buffer.from(sortedPairs(params, ['sign']), 'utf8'), this.app.publicKey, Buffer.from(signature, 'base64'))) return 'invalid-signature';
    if (rest.app_id !== this.appId) return 'unknown app_id';
    if (rest.method !== 'alipay.trade.page.pay' && rest.method !== 'alipay.trade.wap.pay') return `unexpected method ${rest.method}`;
    const biz = JSON.parse(rest.biz_content ?? '{}') as AlipayCheckout['biz'];
    const expected = rest.method === 'alipay.trade.wap.pay' ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY';
    if (!biz.out_trade_no || !/^\d+\.\d{2}$/.test(biz.total_amount) || !biz.subject || biz.product_code !== expected) return 'bad biz_content';
    if (!rest.notify_url || !rest.return_url) return 'missing notify_url or return_url';
    const checkout = { method: rest.method, params, biz };
    this.checkouts.push(checkout);
    return checkout;
  }

  /** The asynchronous notification, signed over the sorted fields without sign and sign_type. */
  notification(checkout: AlipayCheckout, overrides: Record<string, string> = {}): string {
    const fields: Record<string, string> = {
      gmt_create: '2026-11-24 12:00:05',
      charset: 'utf-8',
      seller_email: 'merchant@example.com',
      subject: checkout.biz.subject,
      buyer_id: '2088102177846880',
      invoice_amount: checkout.biz.total_amount,
      notify_id: randomBytes(16).toString('hex'),
      fund_bill_list: '[{"amount":"8.00","fundChannel":"ALIPAYACCOUNT"}]',
      notify_type: 'trade_status_sync',
      trade_status: 'TRADE_SUCCESS',
      receipt_amount: checkout.biz.total_amount,
      app_id: this.appId,
      buyer_pay_amount: checkout.biz.total_amount,
      seller_id: this.sellerId,
      gmt_payment: '2026-11-24 12:00:09',
      notify_time: '2026-11-24 12:00:10',
      version: '1.0',
      out_trade_no: checkout.biz.out_trade_no,
      total_amount: checkout.biz.total_amount,
      trade_no: `2026112422001${String(++this.trade).padStart(9, '0')}`,
      auth_app_id: this.appId,
      point_amount: '0.00',
      ...overrides,
    };
    fields.sign = sign('sha256', Buffer.from(sortedPairs(fields, ['sign', 'sign_type']), 'utf8'), this.alipay.privateKey).toString('base64');
    fields.sign_type = 'RSA2';
    return form(fields);
  }

  notify(checkout: AlipayCheckout, body = this.notification(checkout)): Promise<Delivery> {
    return this.gateways.deliver(checkout.params.notify_url as string, {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
  }
}

// ---------------------------------------------------------------- WeChat Pay

export interface WechatTransaction {
  kind: 'native' | 'h5';
  body: { appid: string; mchid: string; description: string; out_trade_no: string; notify_url: string; amount: { total: number; currency: string } } & Record<
    string,
    unknown
  >;
}

export class FakeWechatpay {
  readonly mchId = '1900000109';
  readonly appId = 'wxd678efh567hg6787';
  readonly merchantSerial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
  readonly platformSerial = 'PUB_KEY_ID_0119000001092025112400000000000001';
  readonly apiV3Key = 'a3B9c8D7e6F5g4H3i2J1k0L9m8N7o6P5';
  readonly merchant = rsa();
  readonly platform = rsa();
  readonly transactions: WechatTransaction[] = [];
  readonly refused: string[] = [];
  private counter = 0;

  constructor(private readonly gateways: FakeGateways) {}

  settings(overrides: Record<string, unknown> = {}) {
    return {
      mchId: this.mchId,
      appId: this.appId,
      merchantSerialNo: this.merchantSerial,
      merchantPrivateKey: pem(this.merchant.privateKey, 'pkcs8'),
      apiV3Key: this.apiV3Key,
      platformKeys: [{ serial: this.platformSerial, key: pem(this.platform.publicKey, 'spki') }],
      gateway: this.gateways.url,
      ...overrides,
    };
  }

  /** Checks the Authorization header as WeChat Pay does; answers the error it would, or undefined. */
  private authorize(method: string, url: string, body: string, authorization: string | undefined): string | undefined {
    const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(authorization ?? '');
    if (!match?.[1]) return 'no WECHATPAY2-SHA256-RSA2048 authorization';
    const parts = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (parts.mchid !== this.mchId || parts.serial_no !== this.merchantSerial) return 'unknown mchid or serial_no';
    if (Math.abs(this.gateways.now().getTime() / 1000 - Number(parts.timestamp)) > 300) return 'timestamp out of window';
    const message = `${method}\n${url}\n${parts.timestamp}\n${parts.nonce_str}\n${body}\n`;
    if (!verify('sha256', Buffer.from(message, 'utf8'), this.merchant.publicKey, Buffer.from(parts.signature ?? '', 'base64'))) return 'signature mismatch';
    return undefined;
  }

  /** Headers signing an answer or a notification with the platform key. */
  signedHeaders(body: string, at = this.gateways.now()): Record<string, string> {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': this.platformSerial,
      'wechatpay-signature': sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), this.platform.privateKey).toString('base64'),
    };
  }

  handle(
    kind: 'native' | 'h5',
    url: string,
    body: string,
    authorization: string | undefined,
  ): { status: number; body: string; headers: Record<string, string> } {
    const problem = this.authorize('POST', url, body, authorization);
    if (problem) {
      this.refused.push(problem);
      const answer = JSON.stringify({ code: 'SIGN_ERROR', message: problem });
      return { status: 401, body: answer, headers: this.signedHeaders(answer) };
    }
    const parsed = JSON.parse(body) as WechatTransaction['body'];
    this.transactions.push({ kind, body: parsed });
    const answer = JSON.stringify(
      kind === 'native'
        ? { code_url: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('hex')}` }
        : { h5_url: `${this.gateways.url}/wechat/h5?prepay_id=wx${randomBytes(8).toString('hex')}&package=2150917749` },
    );
    return { status: 200, body: answer, headers: this.signedHeaders(answer) };
  }

  /** A notification as WeChat Pay sends it: the transaction encrypted (AEAD_AES_256_GCM), the whole signed. */
  notification(transaction: WechatTransaction, overrides: Record<string, unknown> = {}, id = `EV-${Date.now()}-${++this.counter}`): string {
    const resource = {
      mchid: this.mchId,
      appid: this.appId,
      out_trade_no: transaction.body.out_trade_no,
      transaction_id: `42000000002026112400000${String(this.counter).padStart(5, '0')}`,
      trade_type: transaction.kind === 'native' ? 'NATIVE' : 'MWEB',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      success_time: '2026-11-24T12:00:09+08:00',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: transaction.body.amount.total, payer_total: transaction.body.amount.total, currency: 'CNY', payer_currency: 'CNY' },
      ...overrides,
    };
    const nonce = randomBytes(6).toString('hex');
    const associatedData = 'transaction';
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(this.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return JSON.stringify({
      id,
      create_time: '2026-11-24T12:00:10+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: encrypted.toString('base64'),
        associated_data: associatedData,
        nonce,
      },
    });
  }

  notify(transaction: WechatTransaction, body = this.notification(transaction), headers = this.signedHeaders(body)): Promise<Delivery> {
    return this.gateways.deliver(transaction.body.notify_url, { headers: { 'content-type': 'application/json', ...headers }, body });
  }
}

// ---------------------------------------------------------------- UnionPay

export interface UnionpayOrder {
  fields: Record<string, string>;
}

export class FakeUnionpay {
  readonly merId = '777290058110048';
  readonly orders: UnionpayOrder[] = [];
  readonly refused: string[] = [];
  private query = 0;

  private constructor(
    private readonly gateways: FakeGateways,
    readonly root: Issued,
    readonly middle: Issued,
    /** UnionPay's signing certificate, issued by the middle one, naming China UnionPay. */
    readonly signing: Issued,
    /** The merchant's signing certificate and key (from its PFX, in real life). */
    readonly merchant: Issued,
  ) {}

  static async create(gateways: FakeGateways): Promise<FakeUnionpay> {
    const root = await certificate({ subject: 'C=CN, O=China Financial Certification Authority, CN=CFCA TEST OCA1 ROOT', ca: true });
    const middle = await certificate({ subject: 'C=CN, O=China Financial Certification Authority, CN=CFCA TEST OCA1', ca: true, issuer: root });
    const signing = await certificate({
      subject: 'C=CN, O=China UnionPay, OU=Enterprises, CN=041@Z12@中国银联股份有限公司@00000001',
      issuer: middle,
    });
    const merchant = await certificate({ subject: 'C=CN, O=CFCA TEST, CN=041@8310000000000000@777290058110048@00000001', serialHex: '0a2f4e5d' });
    return new FakeUnionpay(gateways, root, middle, signing, merchant);
  }

  settings(overrides: Record<string, unknown> = {}) {
    return {
      merId: this.merId,
      signCert: this.merchant.pem,
      signKey: this.merchant.keyPem,
      rootCert: this.root.pem,
      middleCert: this.middle.pem,
      gateway: this.gateways.url,
      ...overrides,
    };
  }

  private static digest(fields: Record<string, string>) {
    return createHash('sha256')
      .update(sortedPairs(fields, ['signature']), 'utf8')
      .digest('hex');
  }

  /** frontTransReq.do, checked as UnionPay does (5.1.0, signMethod 01, certId = the merchant certificate's serial). */
  accept(fields: Record<string, string>): UnionpayOrder | string {
    if (fields.version !== '5.1.0' || fields.signMethod !== '01' || fields.encoding !== 'UTF-8') return 'bad version, signMethod or encoding';
    if (fields.certId !== BigInt(`0x${new X509Certificate(this.merchant.pem).serialNumber}`).toString(10)) return 'unknown certId';
    const ok = verify(
      'sha256',
      Buffer.from(FakeUnionpay.digest(fields), 'utf8'),
      new X509Certificate(this.merchant.pem).publicKey,
      Buffer.from(fields.signature ?? '', 'base64'),
    );
    if (!ok) return 'invalid-signature';
    if (fields.txnType !== '01' || fields.txnSubType !== '01' || fields.bizType !== '000201' || fields.accessType !== '0') return 'not a consumption';
    if (fields.merId !== this.merId || !/^[0-9A-Za-z]{8,40}$/.test(fields.orderId ?? '')) return 'bad merId or orderId';
    if (!/^\d{14}$/.test(fields.txnTime ?? '') || !/^\d+$/.test(fields.txnAmt ?? '') || fields.currencyCode !== '156')
      return 'bad txnTime, txnAmt or currencyCode';
    if (!fields.backUrl || !fields.frontUrl) return 'missing backUrl or frontUrl';
    const order = { fields };
    this.orders.push(order);
    return order;
  }

  notification(order: UnionpayOrder, overrides: Record<string, string> = {}, signer: Issued = this.signing): string {
    const queryId = `6926112412000${String(++this.query).padStart(8, '0')}`;
    const fields: Record<string, string> = {
      accessType: '0',
      bizType: '000201',
      currencyCode: '156',
      encoding: 'UTF-8',
      merId: order.fields.merId as string,
      orderId: order.fields.orderId as string,
      queryId,
      respCode: '00',
      respMsg: 'Success!',
      settleAmt: order.fields.txnAmt as string,
      settleCurrencyCode: '156',
      settleDate: '1124',
      signMethod: '01',
      traceNo: queryId.slice(-6),
      traceTime: '1124120009',
      txnAmt: order.fields.txnAmt as string,
      txnSubType: '01',
      txnTime: order.fields.txnTime as string,
      txnType: '01',
      version: '5.1.0',
      signPubKeyCert: signer.pem,
      ...overrides,
    };
    fields.signature = sign('sha256', Buffer.from(FakeUnionpay.digest(fields), 'utf8'), signer.privateKey).toString('base64');
    return form(fields);
  }

  notify(order: UnionpayOrder, body = this.notification(order)): Promise<Delivery> {
    return this.gateways.deliver(order.fields.backUrl as string, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  }
}

// ---------------------------------------------------------------- the server

export class FakeGateways {
  url = '';
  deliver: Deliver = httpDeliver;
  now: () => Date = () => new Date();
  readonly alipay = new FakeAlipay(this);
  readonly wechatpay = new FakeWechatpay(this);
  unionpay!: FakeUnionpay;
  private readonly server = http.createServer((request, response) => void this.route(request, response));

  static async start(): Promise<FakeGateways> {
    const gateways = new FakeGateways();
    gateways.unionpay = await FakeUnionpay.create(gateways);
    await new Promise<void>((resolve) => gateways.server.listen(0, '127.0.0.1', resolve));
    gateways.url = `http://127.0.0.1:${(gateways.server.address() as AddressInfo).port}`;
    return gateways;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      response.end(text);
    };
    try {
      if (request.method === 'GET' && url.pathname === '/gateway.do') {
        const accepted = this.alipay.accept(Object.fromEntries(url.searchParams));
        if (typeof accepted === 'string') {
          this.alipay.refused.push(accepted);
          return send(400, accepted);
        }
        return send(200, page('Fake Alipay cashier', `/alipay/pay/${this.alipay.checkouts.length - 1}`));
      }
      if (request.method === 'POST' && url.pathname.startsWith('/alipay/pay/')) {
        const checkout = this.alipay.checkouts[Number(url.pathname.split('/')[3])];
        if (!checkout) return send(404, 'no such checkout');
        const delivered = await this.alipay.notify(checkout);
        if (delivered.body !== 'success') return send(502, `notification refused: ${delivered.status} ${delivered.body}`);
        return send(303, '', { location: checkout.params.return_url as string });
      }
      if (request.method === 'POST' && (url.pathname === '/v3/pay/transactions/native' || url.pathname === '/v3/pay/transactions/h5')) {
        const kind = url.pathname.endsWith('native') ? 'native' : 'h5';
        const answer = this.wechatpay.handle(kind, `${url.pathname}${url.search}`, body, request.headers.authorization);
        return send(answer.status, answer.body, { 'content-type': 'application/json', ...answer.headers });
      }
      if (request.method === 'POST' && url.pathname === '/gateway/api/frontTransReq.do') {
        const accepted = this.unionpay.accept(Object.fromEntries(new URLSearchParams(body)));
        if (typeof accepted === 'string') {
          this.unionpay.refused.push(accepted);
          return send(400, accepted);
        }
        return send(200, page('Fake UnionPay cashier', `/unionpay/pay/${this.unionpay.orders.length - 1}`));
      }
      if (request.method === 'POST' && url.pathname.startsWith('/unionpay/pay/')) {
        const order = this.unionpay.orders[Number(url.pathname.split('/')[3])];
        if (!order) return send(404, 'no such order');
        const delivered = await this.unionpay.notify(order);
        if (delivered.body !== 'ok') return send(502, `notification refused: ${delivered.status} ${delivered.body}`);
        return send(
          200,
          `<!doctype html><form id="back" method="post" action="${order.fields.frontUrl}"></form><script>document.getElementById('back').submit()</script>`,
        );
      }
      send(404, 'not found');
    } catch (error) {
      send(500, String(error));
    }
  }
}
