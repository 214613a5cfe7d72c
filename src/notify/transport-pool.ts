/**
 * One transport per operator and channel, built from the operator's settings and rebuilt
 * when they change (the old one is closed); webhooks share one.
 */

import { WebhookTransport } from '../webhooks/webhook-transport.js';
import type { NotificationSettingsStore } from './notification-settings.js';
import type { MessageChannel, Transport } from './transport.js';
import { createTransport, type TransportContext } from './transport-settings.js';
import type { OutboxLogger } from './transports/console-file.js';

export class TransportPool {
  private readonly transports = new Map<string, { settings: string; transport: Transport }>();
  private readonly webhooks = new WebhookTransport();

  constructor(
    private readonly settings: NotificationSettingsStore,
    private readonly context: TransportContext,
  ) {}

  /**
   * Logs through `logger` from now on (the server's, once it exists): the console-and-file
   * outbox then says on the console where each message was written. Transports made
   * before are made again on their next use.
   */
  async logTo(logger: OutboxLogger): Promise<void> {
    this.context.logger = logger;
    await this.close();
  }

  async for(operatorId: string, channel: MessageChannel): Promise<Transport> {
    if (channel === 'webhook') return this.webhooks;
    const settings = (await this.settings.of(operatorId)).transports[channel];
    const key = `${operatorId}:${channel}`;
    const json = JSON.stringify(settings);
    // No await from here to `set`: concurrent batches (the scheduled drain, a sign-in code
    // sent at once) must find the transport the first of them made, not make their own.
    const current = this.transports.get(key);
    if (current?.settings === json) return current.transport;
    const transport = createTransport(channel, settings, this.context);
    this.transports.set(key, { settings: json, transport });
    await current?.transport.close?.();
    return transport;
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map(({ transport }) => transport.close?.()));
    this.transports.clear();
  }
}
