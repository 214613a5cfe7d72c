/**
 * How a message leaves simkeep. Every channel has one interface, so the dispatcher does not
 * know whether a text goes to a console file, an SMS gateway or an SMTP server. A transport
 * sends one message or throws a `DeliveryError`; the dispatcher decides about retries.
 */
import { Type } from 'typebox';

/** The channels an operator configures a transport for. */
export type Channel = 'sms' | 'email';
/** Every way a message leaves: to subscribers, or to an operator's webhook endpoint. */
export type MessageChannel = Channel | 'webhook';

export interface OutgoingMessage {
  /** The outbox row's id: stable across retries, so a provider can drop a duplicate. */
  id: string;
  channel: MessageChannel;
  /** E.164 number for SMS, an address for email, a URL for a webhook. */
  to: string;
  /** Email only. */
  subject?: string;
  text: string;
  /** Which operator the message is sent for (the transport may sign or bill by it). */
  operator: string;
  /** Webhooks: the headers that go with the body (signature, event type). */
  headers?: Record<string, string>;
}

export interface Delivery {
  /** The provider's id for the message, when it gives one. */
  providerId?: string;
}

/** What became of one message of a batch. */
export type BatchDelivery = { ok: true; delivery: Delivery } | { ok: false; error: unknown };

export interface Transport {
  readonly channel: MessageChannel;
  /** A short name for logs and the delivery log: `console`, `smtp`, `http`. */
  readonly kind: string;
  send(message: OutgoingMessage): Promise<Delivery>;
  /**
   * Sends many messages at once where the medium allows it (one file write for a whole
   * batch), answering in the order given. Without it, the dispatcher sends one by one.
   */
  sendBatch?(messages: OutgoingMessage[]): Promise<BatchDelivery[]>;
  close?(): Promise<void>;
}

/**
 * A failed delivery. `permanent` says a retry cannot help (the gateway refused the number,
 * the address is malformed): the message goes straight to the dead letters.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** The `timeoutMs` setting of the transports that wait on a provider (HTTP gateway, SMTP). */
export const ProviderTimeoutMs = Type.Integer({
  minimum: 1,
  maximum: 60_000,
  description: 'How long to wait for the provider, in milliseconds; default 10 000.',
});
