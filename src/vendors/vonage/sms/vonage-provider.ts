import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryReceipt, OutboundMessage, SendReceipt } from '../../../kernel/message.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../../delivery/provider.js';
import { parseDeliveryReceipt, type ReceiptVerification } from './delivery-receipt.js';
import { isGsm7 } from '../../../lib/gsm7.js';
import type { ResolvedVonageOptions } from './options.js';
import { vonageHttpError, vonageStatusError } from './vonage-errors.js';
import { vendorRequest } from '../../../outbound/vendor-request.js';
import type { OutboundGuard } from '../../../outbound/outbound-guard.js';

// Vonage refuses a `callback` longer than this (status 23).
const MAX_CALLBACK_LENGTH = 100;

interface SmsReply {
  messages?: Array<{ status?: unknown; 'message-id'?: unknown }>;
}

/** SMS through the Vonage SMS API (POST /sms/json). */
export class VonageProvider implements MessageProvider {
  readonly type = 'vonage';
  readonly billable = true;
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  private readonly callback: string | undefined;
  private readonly verify: ReceiptVerification | undefined;
  private readonly outbound: OutboundGuard;

  constructor(
    private readonly o: ResolvedVonageOptions,
    ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.outbound = ctx.outbound;
    this.capabilities = { channels: ['sms'], unicode: true, countries: o.countries };
    const fits = ctx.callbackUrl.length <= MAX_CALLBACK_LENGTH;
    if (o.deliveryReceipts && !fits) ctx.log.warn('the callback URL is over 100 characters, which Vonage refuses; set the delivery receipt webhook in the dashboard instead');
    this.callback = o.deliveryReceipts && fits ? ctx.callbackUrl : undefined;
    this.verify = o.signatureSecret ? { secret: o.signatureSecret, method: o.signatureMethod } : undefined;
    if (!this.verify) ctx.log.warn('delivery receipts are accepted unsigned: set signatureSecret once Vonage has enabled signed webhooks');
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const form = new URLSearchParams({
      api_key: this.o.apiKey,
      api_secret: this.o.apiSecret,
      from: message.sender ?? this.o.from,
      to: message.to.replace(/^\+/, ''),
      text: message.text,
      // type=text is GSM-7; anything else sent that way reaches the handset as question marks.
      type: isGsm7(message.text) ? 'text' : 'unicode',
      'client-ref': message.id,
    });
    if (this.callback) form.set('callback', this.callback);
    const reply = await vendorRequest(
      'vonage',
      {
        method: 'POST',
        url: `${this.o.baseUrl}/sms/json`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: this.o.timeoutMs,
      },
      this.outbound,
    );
    if (reply.status !== 200) throw vonageHttpError(reply.status);
    const parts = parseReply(reply.body)?.messages ?? [];
    // A long text comes back as one entry per part; the message stands or falls with its parts.
    const refused = parts.find((p) => String(p.status) !== '0');
    if (refused) throw vonageStatusError(String(refused.status));
    const id = parts[0]?.['message-id'];
    if (typeof id !== 'string' || id === '') {
      // Not retryable: the answer did not say no, and sending again could deliver the code twice.
      throw new ProviderError('UNEXPECTED_RESPONSE', 'vonage answered without a message-id');
    }
    return { providerMessageId: id, status: 'sent' };
  }

  parseCallback(req: CallbackRequest): DeliveryReceipt[] {
    return parseDeliveryReceipt(req, this.verify);
  }
}

function parseReply(text: string): SmsReply | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as SmsReply) : undefined;
  } catch {
    return undefined;
  }
}
