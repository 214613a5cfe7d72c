/**
 * What every real payment provider does for simkeep, whatever its protocol: start a
 * checkout for one payment (a redirect, a self-submitting form, or a QR code to show), and
 * turn one notification into the `PaymentEvent` that `PaymentService.settle` processes
 * exactly once — after checking the provider's signature, never before.
 */
import { type TSchema, Type } from 'typebox';
import type { PaymentEvent } from './payment-service.js';

export const PROVIDERS = ['alipay', 'wechatpay', 'unionpay'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const isProviderName = (value: string): value is ProviderName => (PROVIDERS as readonly string[]).includes(value);

/** The `gateway` setting: where the provider's API is (its production one by default; its sandbox, or a test's fake). */
export const GatewayUrl = (description: string) => Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048, description }));

export interface CheckoutRequest {
  paymentId: string;
  amount: number;
  currency: string;
  /** What the subscriber buys, as the provider's page shows it. */
  subject: string;
  notifyUrl: string;
  /** Where the provider sends the subscriber back (GET or POST). */
  returnUrl: string;
  clientIp: string;
  /** A phone's browser: the provider's mobile checkout where it has one. */
  mobile: boolean;
  now: Date;
}

export type CheckoutStep =
  | { kind: 'redirect'; url: string }
  | { kind: 'form'; action: string; fields: Record<string, string> }
  | { kind: 'qr'; content: string };

export interface ReceivedNotification {
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: what was signed, and what is stored. */
  body: string;
  now: Date;
}

export interface VerifiedNotification {
  event: PaymentEvent;
  /** The signature as received, stored with the raw body. */
  signature: string;
}

/** The provider's answer to a notification that it calls success. */
export interface Acknowledgement {
  status: number;
  contentType: string;
  body: string;
}

export interface PaymentProvider<S = unknown> {
  readonly name: ProviderName;
  /** Shape of the settings (TypeBox: validation and the admin API's documentation). */
  readonly schema: TSchema;
  /** Settings fields that are secrets: answered as `***`, kept when `***` is sent back. */
  readonly secretFields: readonly string[];
  /** Checks what a schema cannot (keys parse, certificates chain, pairs match); throws `payment_provider_invalid`. */
  check(settings: S, now: Date): void;
  startCheckout(settings: S, request: CheckoutRequest): Promise<CheckoutStep>;
  /** Throws `signature_missing` / `signature_invalid` / `signature_expired` / `invalid_request`. */
  verify(settings: S, notification: ReceivedNotification): VerifiedNotification;
  acknowledge(): Acknowledgement;
  /**
   * Fields the provider's protocol wants at the top of a refusal (WeChat Pay's `code` and
   * `message`), beside our `error` object. Any 4xx/5xx is a failure to all three providers:
   * they deliver the notification again.
   */
  refusal(message: string): Record<string, unknown>;
}

/** A header's single value (the first, if it came twice). */
export function header(headers: ReceivedNotification['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A form-encoded body as a plain record (the first value of a repeated field). */
export function formFields(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) if (!Object.hasOwn(fields, key)) fields[key] = value;
  return fields;
}
