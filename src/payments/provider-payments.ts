/**
 * The use cases of the real providers: start the checkout of a payment with its
 * operator's merchant settings, receive a notification for an operator (verified with that
 * operator's keys, then settled by PaymentService exactly once), and the operator's admin
 * view of its providers.
 */

import type { Catalog } from '../catalog/catalog.js';
import { type AdminPrincipal, assertMayActFor } from '../catalog/catalog-service.js';
import type { Operator } from '../catalog/model.js';
import type { OrderService } from '../renewal/order-service.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, operatorNotFound } from '../shared/errors.js';
import type { PaymentService } from './payment-service.js';
import type { CheckoutStep, ProviderName } from './provider.js';
import { type PaymentProviderStore, providers, redactProviderSettings } from './provider-settings.js';

const MOBILE = /Mobi|Android|iPhone|iPad|iPod|HarmonyOS|MicroMessenger/i;

export interface CheckoutContext {
  /** A path of this site to come back to (default: the web app's order page). */
  returnTo?: string | undefined;
  clientIp: string;
  userAgent?: string | undefined;
  device?: 'mobile' | 'desktop' | undefined;
}

export class ProviderPayments {
  constructor(
    private readonly catalog: Catalog,
    private readonly store: PaymentProviderStore,
    private readonly payments: PaymentService,
    private readonly orders: OrderService,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  notifyUrl(provider: ProviderName, operator: string): string {
    return `${this.publicUrl}/v1/payments/${provider}/notify/${operator}`;
  }

  /** The provider's next step for the subscriber; none once the payment is settled (go back to the order). */
  async startCheckout(provider: ProviderName, paymentId: string, context: CheckoutContext) {
    const payment = await this.payments.checkout(paymentId, provider);
    const order = await this.orders.get(payment.orderId);
    const returnPath = context.returnTo ?? `/orders/${order.id}`;
    const payable = (payment.status === 'pending' || payment.status === 'failed') && order.status === 'pending_payment';
    if (!payable) return { order, returnPath, step: undefined };
    const operator = await this.operatorByCode(order.operator);
    const config = await this.store.of(operator.id, provider);
    if (!config?.enabled)
      throw new DomainError('payment_method_unavailable', {
        'zh-CN': `支付方式“${provider}”暂不可用。`,
        en: `The payment method "${provider}" is not available.`,
      });
    const back = context.returnTo ? `?return=${encodeURIComponent(context.returnTo)}` : '';
    const plan = order.planName?.['zh-CN'] ?? order.plan;
    const step: CheckoutStep = await providers[provider].startCheckout(config.settings, {
      paymentId: payment.paymentId,
      amount: payment.amount,
      currency: payment.currency,
      subject: `${operator.displayName} 续费 ${plan} ${order.msisdn}`,
      notifyUrl: this.notifyUrl(provider, operator.code),
      returnUrl: `${this.publicUrl}/pay/${provider}/${payment.paymentId}/return${back}`,
      clientIp: context.clientIp,
      mobile: context.device ? context.device === 'mobile' : MOBILE.test(context.userAgent ?? ''),
      now: this.clock.now(),
    });
    return { order, returnPath, step };
  }

  /**
   * Verifies a notification with the operator's settings and settles it. Settings that are
   * switched off still verify: a payment started before counts when it arrives.
   */
  async receive(provider: ProviderName, operatorCode: string, headers: Record<string, string | string[] | undefined>, body: string) {
    const operator = await this.operatorByCode(operatorCode);
    const config = await this.store.of(operator.id, provider);
    if (!config)
      throw new DomainError('payment_method_unavailable', {
        'zh-CN': `该运营商尚未设置支付渠道 ${provider}。`,
        en: `The operator has no ${provider} settings.`,
      });
    const { event, signature } = providers[provider].verify(config.settings, { headers, body, now: this.clock.now() });
    return this.payments.settle(provider, event, body, signature, operator.id);
  }

  /** Where the provider sends the subscriber back: a path of this site. */
  async returnPath(provider: ProviderName, paymentId: string, returnTo: string | undefined): Promise<string> {
    if (returnTo) return returnTo;
    const payment = await this.payments.checkout(paymentId, provider);
    return `/orders/${payment.orderId}`;
  }

  async adminView(principal: AdminPrincipal, code: string, provider: ProviderName) {
    const operator = await this.operatorByCode(code);
    assertMayActFor(principal, operator.id);
    return this.view(operator, provider);
  }

  async adminList(principal: AdminPrincipal, code: string) {
    const operator = await this.operatorByCode(code);
    assertMayActFor(principal, operator.id);
    return Promise.all((Object.keys(providers) as ProviderName[]).map((provider) => this.view(operator, provider)));
  }

  async adminSave(principal: AdminPrincipal, code: string, provider: ProviderName, change: { enabled: boolean; settings: Record<string, unknown> }) {
    const operator = await this.operatorByCode(code);
    assertMayActFor(principal, operator.id);
    if (change.enabled && operator.currency !== 'CNY') {
      const message = {
        'zh-CN': `${provider} 以人民币（CNY）结算，而该运营商的币种是 ${operator.currency}。`,
        en: `${provider} settles in CNY; this operator's currency is ${operator.currency}.`,
      };
      throw new DomainError('payment_provider_invalid', message, { fields: ['/enabled'] });
    }
    await this.store.save(operator.id, provider, change);
    return this.view(operator, provider);
  }

  private async view(operator: Operator, provider: ProviderName) {
    const config = await this.store.of(operator.id, provider);
    return {
      provider,
      enabled: config?.enabled ?? false,
      configured: config !== undefined,
      settings: config ? redactProviderSettings(provider, config.settings) : null,
      notifyUrl: this.notifyUrl(provider, operator.code),
      updatedAt: config?.updatedAt ?? null,
    };
  }

  private async operatorByCode(code: string): Promise<Operator> {
    const operator = await this.catalog.operatorByCode(code);
    if (!operator) throw operatorNotFound(code);
    return operator;
  }
}
