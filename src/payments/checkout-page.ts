/** The sandbox checkout page: the amount, Pay / Fail, and the order's outcome after. */
import { escapeHtml, formatMoney, page } from '../http/html.js';
import type { OrderView } from '../renewal/order-view.js';

interface Checkout {
  paymentId: string;
  amount: number;
  currency: string;
  status: string;
}

const ORDER_STATUS: Record<string, string> = {
  pending_payment: '待支付 Awaiting payment',
  fulfilled: '已续费 Renewed',
  expired: '已超时 Expired',
  cancelled: '已取消 Cancelled',
  refund_pending: '待退款 Refund pending',
  refunded: '已退款 Refunded',
};
const PAYMENT_STATUS: Record<string, string> = {
  pending: '待支付 Pending',
  failed: '失败 Failed',
  succeeded: '成功 Succeeded',
  mismatch: '金额不符 Amount mismatch',
  refunded: '已退款 Refunded',
};

export function checkoutPage(checkout: Checkout, order: OrderView, returnTo?: string): string {
  const id = escapeHtml(checkout.paymentId);
  const back = returnTo ? `?return=${encodeURIComponent(returnTo)}` : '';
  const rows = [
    ['订单 Order', order.id],
    ['号码 Number', order.msisdn],
    ['套餐 Plan', order.planName ? `${order.planName['zh-CN']} ${order.planName.en}` : order.plan],
    ['金额 Amount', formatMoney(checkout.amount, checkout.currency)],
    ['订单状态 Order status', ORDER_STATUS[order.status] ?? order.status],
    ['支付状态 Payment', PAYMENT_STATUS[checkout.status] ?? checkout.status],
  ];
  const details = `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k ?? '')}</dt><dd>${escapeHtml(v ?? '')}</dd>`).join('')}</dl>`;
  const payable = checkout.status === 'pending' || checkout.status === 'failed';
  const actions = payable
    ? `${checkout.status === 'failed' ? '<p class="bad" role="alert">支付失败，可重试 · Payment failed; you may try again.</p>' : ''}
<div class="actions">
<form method="post" action="/pay/sandbox/${id}/pay${back}"><button class="pay" type="submit">支付 Pay ${escapeHtml(formatMoney(checkout.amount, checkout.currency))}</button></form>
<form method="post" action="/pay/sandbox/${id}/fail${back}"><button class="fail" type="submit">失败 Fail</button></form>
</div>`
    : '';
  const outcome = order.receipt
    ? `<p class="ok" role="status">续费成功 · Renewed until <strong>${escapeHtml(order.validUntilAfter ?? '')}</strong></p>
<p><a href="${escapeHtml(order.receipt.pdfUrl)}">下载收据 Download receipt ${escapeHtml(order.receipt.number)}</a> · <a href="${escapeHtml(order.receipt.verifyUrl)}">验证 Verify</a></p>`
    : order.status === 'refund_pending'
      ? '<p class="bad" role="status">已收款但无法续费，将退款 · Paid, but the card could not be renewed: the operator will refund you.</p>'
      : '';
  return page('Sandbox checkout', `<h1>沙盒支付 Sandbox checkout</h1>${details}${actions}${outcome}`);
}
