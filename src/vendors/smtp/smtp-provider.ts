import nodemailer, { type SendMailOptions, type SMTPPoolOptions, type SMTPSentMessageInfo, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { ProviderError } from '../../kernel/provider-errors.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../../kernel/message.js';
import type { Clock } from '../../lib/clock.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';
import { guardedConnection } from './guarded-connection.js';
import { contentLanguage, messageIdFor, parseMailbox, subjectOf, type Mailbox } from './mail-fields.js';
import type { ResolvedSmtpOptions } from './options.js';
import { toProviderError } from './smtp-errors.js';

function transportOptions(o: ResolvedSmtpOptions, guard: OutboundGuard): SMTPPoolOptions {
  return {
    host: o.host,
    port: o.port,
    secure: o.secure,
    requireTLS: o.requireTls,
    auth: o.user !== undefined ? { user: o.user, pass: o.password } : undefined,
    pool: o.pool,
    maxConnections: o.maxConnections,
    connectionTimeout: o.connectionTimeoutMs,
    greetingTimeout: o.greetingTimeoutMs,
    socketTimeout: o.socketTimeoutMs,
    tls: { rejectUnauthorized: o.tlsRejectUnauthorized },
    // Nodemailer's own logging would print server replies that may quote the recipient.
    logger: false,
    getSocket: guardedConnection(o.host, o.port, o.connectionTimeoutMs, guard),
  };
}

/** Hands each message to one SMTP relay (a submission server), through a pool by default. */
export class SmtpProvider implements MessageProvider {
  readonly type = 'smtp';
  // A real delivery, like every provider but the sandbox.
  readonly billable = true;
  readonly capabilities: ProviderCapabilities = { channels: ['email'], unicode: true };
  readonly name: string;
  private readonly clock: Clock;
  private readonly transport: Transporter<SMTPSentMessageInfo>;
  private readonly from: Mailbox;
  private readonly server: string;
  private closed = false;

  constructor(options: ResolvedSmtpOptions, ctx: ProviderContext) {
    this.name = ctx.name;
    this.clock = ctx.clock;
    const from = parseMailbox(options.from);
    if (!from) throw new Error(`smtp provider "${ctx.name}": from must be one address, e.g. "Verity" <no-reply@example.com>`);
    this.from = from;
    this.server = `${options.host}:${options.port}`;
    const config = transportOptions(options, ctx.outbound);
    // The two createTransport overloads return the same result type; the split is only for the compiler.
    this.transport = config.pool ? nodemailer.createTransport({ ...config, pool: true }) : nodemailer.createTransport({ ...config, pool: false });
    // Only a failed OAuth2 token refresh is emitted here today; unhandled it would crash the process.
    this.transport.on('error', (err: Error & { code?: string }) => logError(ctx.log, ctx.name, err));
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    if (this.closed) throw new ProviderError('PROVIDER_CLOSED', `smtp provider "${this.name}" is shut down`);
    try {
      const info = await this.transport.sendMail(this.compose(message));
      return { providerMessageId: info.messageId, status: 'sent' };
    } catch (err) {
      // Messages still queued when the pool closes fail with a bare error: another worker can send them.
      if (this.closed) throw new ProviderError('PROVIDER_CLOSED', `smtp provider "${this.name}" shut down before sending`, toProviderError(err, message, this.server));
      throw toProviderError(err, message, this.server);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transport.close();
  }

  private compose(message: OutboundMessage): SendMailOptions {
    const sender = message.sender !== null ? parseMailbox(message.sender) : null;
    const language = contentLanguage(message.locale);
    return {
      from: sender ?? this.from,
      // Bounces go to the operator's own address, which the relay is set up to send as (SPF),
      // whoever the visible From is.
      envelope: { from: this.from.address, to: message.to },
      to: message.to,
      subject: subjectOf(message.subject, message.text),
      text: message.text,
      html: message.html,
      messageId: messageIdFor(message.id, this.from),
      date: new Date(this.clock.now()),
      headers: {
        ...(language ? { 'Content-Language': language } : {}),
        // RFC 3834: machine-sent, so vacation responders and the like stay quiet.
        'Auto-Submitted': 'auto-generated',
      },
    };
  }
}

function logError(log: Logger, provider: string, err: Error & { code?: string }): void {
  log.warn({ provider, code: err.code }, 'smtp transport error');
}
