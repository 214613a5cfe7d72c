/**
 * The demo transport: every message becomes one JSON line in `<dir>/<channel>.jsonl`, the
 * outbox a demo user reads one-time codes from, plus a one-line summary in the log. The file
 * keeps the full text; the log masks the recipient and leaves the text out, because logs are
 * shipped and kept where one-time codes and whole phone numbers have no business being.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type BatchDelivery, type Channel, type Delivery, DeliveryError, type MessageChannel, type OutgoingMessage, type Transport } from '../transport.js';

/** The part of a pino logger the summary needs. */
export interface OutboxLogger {
  info(fields: object, message: string): void;
  /** pino's: the per-message summary (and its masking) is skipped when info is off. */
  isLevelEnabled?(level: string): boolean;
}

export interface ConsoleFileOptions {
  /** Folder of the outbox files, created when missing (e.g. `./data/outbox`). */
  dir: string;
  logger?: OutboxLogger;
}

/** One outbox line, as a demo user or a test reads it back. */
export interface OutboxLine {
  at: string;
  id: string;
  channel: MessageChannel;
  operator: string;
  to: string;
  subject?: string;
  text: string;
}

export class ConsoleFileTransport implements Transport {
  readonly kind = 'console';
  readonly #dir: string;
  readonly #file: string;
  readonly #logger: OutboxLogger | undefined;

  constructor(
    readonly channel: Channel,
    options: ConsoleFileOptions,
  ) {
    this.#dir = resolve(options.dir);
    this.#file = join(this.#dir, `${channel}.jsonl`);
    this.#logger = options.logger;
  }

  async send(message: OutgoingMessage): Promise<Delivery> {
    const [result] = await this.sendBatch([message]);
    if (!result?.ok) throw result?.error;
    return result.delivery;
  }

  /** The whole batch in one append: every line is written, or none is and each message fails. */
  async sendBatch(messages: OutgoingMessage[]): Promise<BatchDelivery[]> {
    const at = new Date().toISOString();
    const lines = messages.map((message) => `${JSON.stringify(outboxLine(message, at))}\n`).join('');
    try {
      await appendInOrder(this.#file, () => this.#append(lines));
    } catch (error) {
      const failure = new DeliveryError(`outbox file ${this.#file} could not be written: ${(error as Error).message}`);
      return messages.map(() => ({ ok: false, error: failure }));
    }
    if (this.#logger?.isLevelEnabled?.('info') ?? this.#logger !== undefined) {
      for (const message of messages) {
        const to = maskRecipient(message.to);
        this.#logger?.info(
          { channel: message.channel, operator: message.operator, messageId: message.id, to, file: this.#file },
          `${message.channel} to ${to} written to ${this.#file}`,
        );
      }
    }
    return messages.map(() => ({ ok: true, delivery: {} }));
  }

  async #append(lines: string): Promise<void> {
    try {
      await appendFile(this.#file, lines, 'utf8');
    } catch (error) {
      // A demo user may empty the outbox by deleting the folder: make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.#dir, { recursive: true });
      await appendFile(this.#file, lines, 'utf8');
    }
  }
}

function outboxLine(message: OutgoingMessage, at: string): OutboxLine {
  return {
    at,
    id: message.id,
    channel: message.channel,
    operator: message.operator,
    to: message.to,
    ...(message.subject === undefined ? {} : { subject: message.subject }),
    text: message.text,
  };
}

// The last pending append per file, shared by every transport writing to it (there is one per
// operator): a line is written only after the previous one settled, so concurrent sends can
// neither interleave nor reorder lines, whatever the size of a line.
const pendingAppends = new Map<string, Promise<void>>();

function appendInOrder(file: string, append: () => Promise<void>): Promise<void> {
  const written = (pendingAppends.get(file) ?? Promise.resolve()).then(append);
  const settled = written.catch(() => undefined);
  pendingAppends.set(file, settled);
  void settled.then(() => {
    if (pendingAppends.get(file) === settled) pendingAppends.delete(file);
  });
  return written;
}

/**
 * A recipient as a log may show it: a phone number keeps its country code and last four
 * digits (`+86 *******8000`), an address its first letter and domain (`a***@example.com`).
 * Stricter than `maskMsisdn`, which also keeps the first three national digits for a
 * subscriber who needs to recognise their own number.
 */
export function maskRecipient(to: string): string {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to.slice(0, 1)}***${to.slice(at)}`;
  const phone = parsePhoneNumberFromString(to);
  const national = phone ? phone.nationalNumber : to.replace(/\D/g, '');
  const masked = `${'*'.repeat(Math.max(national.length - 4, 0))}${national.slice(-4)}`;
  return phone ? `+${phone.countryCallingCode} ${masked}` : masked;
}
