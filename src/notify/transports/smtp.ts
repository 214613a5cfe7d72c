/**
 * Email over SMTP with nodemailer: a small connection pool per operator's settings, a
 * Message-ID derived from the outbox id (a retried message is recognisably the same one), and
 * failures mapped to DeliveryError: a 5xx reply is permanent, a 4xx reply, a lost connection or
 * a timeout is worth a retry.
 */
import { createTransport } from 'nodemailer';
import { type Static, Type } from 'typebox';
import { type Delivery, DeliveryError, type OutgoingMessage, ProviderTimeoutMs, type Transport } from '../transport.js';

const MAILBOX = '^([^<>@\\r\\n]*<[^\\s<>@]+@[^\\s<>@]+>|[^\\s<>@]+@[^\\s<>@]+)$';

/** An operator's SMTP server, as the admin API takes it (transport-settings.ts checks it). */
export const SmtpSettings = Type.Object(
  {
    kind: Type.Literal('smtp'),
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^\\S+$', examples: ['smtp.example.com'] }),
    port: Type.Integer({ minimum: 1, maximum: 65535, examples: [587] }),
    secure: Type.Optional(Type.Boolean({ description: 'TLS from the first byte (port 465); default: true on port 465. Otherwise STARTTLS when offered.' })),
    requireTLS: Type.Optional(Type.Boolean({ description: 'Refuse to go on without STARTTLS; default: true when a user is set and `secure` is not.' })),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    from: Type.String({ pattern: MAILBOX, maxLength: 320, examples: ['Demo Mobile <no-reply@example.com>'] }),
    timeoutMs: Type.Optional(ProviderTimeoutMs),
  },
  { additionalProperties: false },
);
export type SmtpSettings = Static<typeof SmtpSettings>;
export type SmtpOptions = Omit<SmtpSettings, 'kind'>;

const DEFAULT_TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 200;

export class SmtpTransport implements Transport {
  readonly channel = 'email';
  readonly kind = 'smtp';
  readonly #mailer: ReturnType<typeof connect>;
  readonly #from: string;

  constructor(options: SmtpOptions) {
    this.#mailer = connect(options);
    this.#from = options.from;
  }

  async send(message: OutgoingMessage): Promise<Delivery> {
    try {
      const sent = await this.#mailer.sendMail({
        from: this.#from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        messageId: messageIdOf(message.id),
      });
      return { providerId: acceptedAs(sent.response) };
    } catch (error) {
      throw deliveryErrorOf(error);
    }
  }

  async close(): Promise<void> {
    this.#mailer.close();
  }
}

function connect(options: SmtpOptions) {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secure = options.secure ?? options.port === 465;
  const auth = options.user === undefined ? undefined : { user: options.user, pass: options.password ?? '' };
  return createTransport({
    pool: true,
    host: options.host,
    port: options.port,
    secure,
    auth,
    // With credentials, STARTTLS is required by default: the password must not cross the
    // network in clear because a server (or someone in between) did not offer TLS.
    requireTLS: options.requireTLS ?? (auth !== undefined && !secure),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    logger: false,
  });
}

/** `<id@simkeep>`, with any character a Message-ID cannot hold replaced. */
export function messageIdOf(id: string): string {
  return `<${id.replace(/[^A-Za-z0-9._-]/g, '_')}@simkeep>`;
}

/** The server's acceptance reply without its status codes (`Ok: queued as 4F3A2`), as the provider's reference. */
function acceptedAs(response: string | undefined): string | undefined {
  const reply = response?.replace(/^250[ -](\d\.\d\.\d+ )?/, '').trim();
  return reply ? reply.slice(0, EXCERPT_LENGTH) : undefined;
}

interface SmtpFailure {
  message?: string;
  code?: string;
  responseCode?: number;
}

function deliveryErrorOf(error: unknown): DeliveryError {
  const { message = String(error), code, responseCode } = error as SmtpFailure;
  const reason = message.replace(/\s+/g, ' ').slice(0, EXCERPT_LENGTH);
  if (typeof responseCode === 'number') {
    // 503 (bad sequence of commands) says the session went wrong, not that the message was
    // refused: a new connection can deliver it (RFC 5321 4.2.1; nodemailer agrees).
    const permanent = responseCode >= 500 && responseCode !== 503;
    return new DeliveryError(`SMTP server answered ${responseCode}: ${reason}`, permanent);
  }
  // Nodemailer refuses an envelope it cannot build (no valid recipient) before any network talk.
  if (code === 'EENVELOPE') return new DeliveryError(`SMTP envelope refused: ${reason}`, true);
  return new DeliveryError(`SMTP delivery failed (${code ?? 'no code'}): ${reason}`);
}
