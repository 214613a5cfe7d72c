/**
 * Delivers a webhook: POSTs the signed JSON body to the endpoint's URL. A 2xx is delivered;
 * 408, 429, 5xx, a timeout or an unreachable host are tried again; any other answer is
 * final (the endpoint refuses the event). Redirects are not followed: a signed POST must
 * reach the URL the operator registered.
 */
import { type Delivery, DeliveryError, type OutgoingMessage, type Transport } from '../notify/transport.js';

const TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 200;

export class WebhookTransport implements Transport {
  readonly channel = 'webhook';
  readonly kind = 'webhook';

  constructor(private readonly timeoutMs = TIMEOUT_MS) {}

  async send(message: OutgoingMessage): Promise<Delivery> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(message.to, {
        method: 'POST',
        headers: { ...message.headers, 'content-type': 'application/json', 'user-agent': 'simkeep-webhooks/1' },
        body: message.text,
        redirect: 'manual',
        signal,
      });
      answer = await response.text();
    } catch (error) {
      if (signal.aborted) throw new DeliveryError(`endpoint did not answer within ${this.timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new DeliveryError(`endpoint unreachable: ${cause?.code ?? (error as Error).name}`);
    }
    if (response.ok) return { providerId: `HTTP ${response.status}` };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    const excerpt = answer.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
    throw new DeliveryError(`endpoint answered ${response.status}${excerpt ? `: ${excerpt}` : ''}`, !retryable);
  }
}
