import { ProviderError } from '../../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryReceipt, OutboundMessage, SendReceipt } from '../../kernel/message.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../delivery/provider.js';
import type { ResolvedWhatsAppOptions } from './options.js';
import { templateLanguage, templateMessage } from './template-message.js';
import { parseWebhook, subscriptionChallenge } from './webhook.js';
import { whatsappError } from './whatsapp-errors.js';
import { vendorRequest } from '../../outbound/vendor-request.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';

interface SendReply {
  messages?: Array<{ id?: unknown }>;
  error?: { code?: unknown };
}

/** WhatsApp through Meta's Cloud API, as an authentication template carrying the code. */
export class WhatsAppProvider implements MessageProvider {
  readonly type = 'whatsapp';
  readonly billable = true;
  readonly name: string;
  // The text is WhatsApp's own template in the recipient's language, so any alphabet is fine.
  readonly capabilities: ProviderCapabilities;
  private readonly endpoint: string;
  private readonly outbound: OutboundGuard;

  constructor(
    private readonly o: ResolvedWhatsAppOptions,
    ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.outbound = ctx.outbound;
    this.capabilities = { channels: ['whatsapp'], unicode: true, countries: o.countries };
    this.endpoint = `${o.baseUrl}/${o.apiVersion}/${o.phoneNumberId}/messages`;
    if (o.appSecret === undefined) ctx.log.warn('webhooks are accepted unsigned: set appSecret to check X-Hub-Signature-256');
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const body = templateMessage(message, this.o.templateName, templateLanguage(message.locale, this.o.languageMap));
    const reply = await vendorRequest(
      'whatsapp',
      {
        method: 'POST',
        url: this.endpoint,
        headers: { authorization: `Bearer ${this.o.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.o.timeoutMs,
      },
      this.outbound,
    );
    const json = parseReply(reply.body);
    if (reply.status < 200 || reply.status > 299 || json?.error) {
      const code = json?.error?.code;
      throw whatsappError(reply.status, typeof code === 'number' ? code : undefined);
    }
    const id = json?.messages?.[0]?.id;
    if (typeof id !== 'string' || id === '') {
      // Not retryable: Meta said yes, so sending again could deliver the code twice.
      throw new ProviderError('UNEXPECTED_RESPONSE', `whatsapp accepted the message (HTTP ${reply.status}) without a message id`);
    }
    return { providerMessageId: id, status: 'sent' };
  }

  parseCallback(req: CallbackRequest): DeliveryReceipt[] {
    return parseWebhook(req, this.o.appSecret);
  }

  /**
   * The body to answer Meta's webhook subscription GET with, or undefined when the request is not
   * one or its verify token is wrong. Not part of MessageProvider: the callback route must call it.
   */
  answerChallenge(req: CallbackRequest): string | undefined {
    return subscriptionChallenge(req, this.o.verifyToken);
  }
}

function parseReply(text: string): SendReply | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as SendReply) : undefined;
  } catch {
    return undefined;
  }
}
