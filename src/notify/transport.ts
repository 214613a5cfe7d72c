/**
 * How a message leaves simkeep. Every channel has one interface, so the dispatcher does not
 * know whether a text goes to a console file, an SMS gateway or an SMTP server. A transport
 * sends one message or throws a `DeliveryError`; the dispatcher decides about retries.
 */

export type Channel = 'sms' | 'email';

export interface OutgoingMessage {
  /** The outbox row's id: stable across retries, so a provider can drop a duplicate. */
  id: string;
  channel: Channel;
  /** E.164 number for SMS, an address for email. */
  to: string;
  /** Email only. */
  subject?: string;
  text: string;
  /** Which operator the message is sent for (the transport may sign or bill by it). */
  operator: string;
}

export interface Delivery {
  /** The provider's id for the message, when it gives one. */
  providerId?: string;
}

export interface Transport {
  readonly channel: Channel;
  /** A short name for logs and the delivery log: `console`, `smtp`, `http`. */
  readonly kind: string;
  send(message: OutgoingMessage): Promise<Delivery>;
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
