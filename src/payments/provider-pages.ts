/**
 * The pages of our own between the web app and a provider: the self-submitting form that
 * carries a signed request to a gateway (UnionPay), and the QR code page of WeChat Pay's
 * Native payment, which follows the order and goes back to the result page once it settles.
 */
import QRCode from 'qrcode';
import { escapeHtml, formatMoney, page } from '../http/html.js';
import type { OrderView } from '../renewal/order-view.js';

export function autoSubmitPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page(
    '正在前往支付 Redirecting to payment',
    `<h1>正在前往支付 · Redirecting to payment…</h1>
<form id="checkout" method="post" action="${escapeHtml(action)}">
${inputs}
<div class="actions"><button class="pay" type="submit">继续 Continue</button></div>
</form>`,
    { script: { name: 'autoSubmit' } },
  );
}

export async function qrPage(content: string, order: OrderView, returnPath: string): Promise<string> {
  const svg = await QRCode.toString(content, { type: 'svg', margin: 1, width: 240, errorCorrectionLevel: 'M' });
  return page(
    '微信支付 WeChat Pay',
    `<h1>微信扫码支付 · Scan with WeChat to pay</h1>
<dl><dt>订单 Order</dt><dd>${escapeHtml(order.id)}</dd><dt>金额 Amount</dt><dd>${escapeHtml(formatMoney(order.total, order.currency))}</dd></dl>
<div id="qr" role="img" aria-label="WeChat Pay QR code" data-code-url="${escapeHtml(content)}" class="qr">${svg}</div>
<p id="state" role="status">请用微信扫一扫，支付完成后本页会自动跳转 · Open WeChat, scan, and pay: this page moves on by itself.</p>
<p><a href="${escapeHtml(returnPath)}">已支付，查看订单 · I have paid: see the order</a></p>`,
    { theme: 'wechat', script: { name: 'followOrder', data: { order: `/v1/orders/${encodeURIComponent(order.id)}`, return: returnPath } } },
  );
}
