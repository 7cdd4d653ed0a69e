import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryReceipt, OutboundMessage, SendReceipt } from '../../../kernel/message.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../../delivery/provider.js';
import type { ResolvedTwilioOptions } from './options.js';
import { parseStatusCallback } from './status-callback.js';
import { twilioError } from '../twilio-errors.js';
import { vendorRequest } from '../../../outbound/vendor-request.js';
import { parseJsonObject } from '../../../lib/json.js';

/** SMS through Twilio Programmable Messaging (POST /2010-04-01/Accounts/{sid}/Messages.json). */
export class TwilioProvider implements MessageProvider {
  readonly type = 'twilio';
  readonly billable = true;
  readonly name: string;
  // Twilio splits long text itself and refuses bodies over 1600 characters (error 21617).
  readonly capabilities: ProviderCapabilities;
  private readonly endpoint: string;
  private readonly authorization: string;

  constructor(
    private readonly o: ResolvedTwilioOptions,
    private readonly ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.capabilities = { channels: ['sms'], unicode: true, maxLength: 1600, countries: o.countries };
    this.endpoint = `${o.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
    const [user, pass] = o.apiKeySid && o.apiKeySecret ? [o.apiKeySid, o.apiKeySecret] : [o.accountSid, o.authToken];
    this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const reply = await vendorRequest(
      'twilio',
      {
        method: 'POST',
        url: this.endpoint,
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: this.form(message).toString(),
        timeoutMs: this.o.timeoutMs,
      },
      this.ctx.outbound,
    );
    const json = parseJsonObject(reply.body);
    if (reply.status < 200 || reply.status > 299) throw twilioError(reply.status, typeof json?.code === 'number' ? json.code : undefined);
    if (typeof json?.sid !== 'string' || json.sid === '') {
      // Not retryable: Twilio said yes, so sending again could deliver the code twice.
      throw new ProviderError('UNEXPECTED_RESPONSE', `twilio accepted the message (HTTP ${reply.status}) without a sid`);
    }
    return { providerMessageId: json.sid, status: json.status === 'delivered' ? 'delivered' : 'sent' };
  }

  parseCallback(req: CallbackRequest): DeliveryReceipt[] {
    return parseStatusCallback(req, this.o.authToken);
  }

  private form(m: OutboundMessage): URLSearchParams {
    const form = new URLSearchParams({ To: m.to });
    // A sender the caller asked for wins; otherwise the Messaging Service picks one from its pool.
    const from = m.sender ?? (this.o.messagingServiceSid ? undefined : this.o.from);
    if (from) form.set('From', from);
    if (this.o.messagingServiceSid) form.set('MessagingServiceSid', this.o.messagingServiceSid);
    form.set('Body', m.text);
    if (this.o.statusCallback) form.set('StatusCallback', this.ctx.callbackUrl);
    return form;
  }
}
