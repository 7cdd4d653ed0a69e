import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest } from '../../../kernel/message.js';
import type { ProviderContext } from '../../../delivery/provider.js';
import { vendorRequest } from '../../../outbound/vendor-request.js';
import { callbackUrlFor, type CallCallbackResult, type CallProvider, type CallProviderCapabilities, type CallStep, type OutboundCall } from '../../../calls/call-provider.js';
import { apiToken } from './api-token.js';
import { parseCallWebhook } from './call-webhook.js';
import { scriptNcco } from './ncco.js';
import type { ResolvedVonageVoiceOptions } from './options.js';
import { vonageCallError } from './vonage-call-errors.js';
import { verifyWebhook } from './webhook-signature.js';
import { parseJsonObject } from '../../../lib/json.js';

// Vonage rings for 1 to 120 seconds (ringing_timer).
const MAX_RING_S = 120;

/** Voice calls through the Vonage Voice API (POST /v1/calls with an inline NCCO). */
export class VonageVoiceProvider implements CallProvider {
  readonly type = 'vonage-voice';
  readonly name: string;
  readonly capabilities: CallProviderCapabilities;
  private readonly signatureSecret: Uint8Array | undefined;

  constructor(
    private readonly o: ResolvedVonageVoiceOptions,
    private readonly ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.signatureSecret = o.signatureSecret ? new TextEncoder().encode(o.signatureSecret) : undefined;
    // An unsigned inbound call proves nothing about its caller, so reverse calls need the secret.
    this.capabilities = { inbound: this.signatureSecret !== undefined, customCallerId: true, countries: o.countries };
    if (!this.signatureSecret) ctx.log.warn('voice webhooks are accepted unsigned and inbound calls are ignored: set signatureSecret');
  }

  async placeCall(call: OutboundCall): Promise<{ providerCallId: string }> {
    const from = call.from ?? this.o.from;
    if (!from) throw new ProviderError('NO_CALLER_ID', 'the call has no caller id and the provider has no `from` configured');
    const body = {
      to: [{ type: 'phone', number: digits(call.to) }],
      from: { type: 'phone', number: digits(from) },
      ncco: scriptNcco(call.script, callbackUrlFor(this.ctx.callbackUrl, 'gather', call.id)),
      event_url: [callbackUrlFor(this.ctx.callbackUrl, 'status', call.id)],
      event_method: 'POST',
      ringing_timer: Math.min(MAX_RING_S, Math.max(1, Math.round(call.ringTimeoutS))),
    };
    const reply = await vendorRequest(
      'vonage',
      {
        method: 'POST',
        url: `${this.o.baseUrl}/v1/calls`,
        headers: { ...(await this.auth()), 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.o.timeoutMs,
      },
      this.ctx.outbound,
    );
    if (reply.status < 200 || reply.status > 299) throw vonageCallError(reply.status);
    const uuid = parseUuid(reply.body);
    // Not retryable: Vonage said yes, and placing the call again could ring the phone twice.
    if (!uuid) throw new ProviderError('UNEXPECTED_RESPONSE', `vonage accepted the call (HTTP ${reply.status}) without a uuid`);
    return { providerCallId: uuid };
  }

  async parseCallback(req: CallbackRequest): Promise<CallCallbackResult> {
    if (this.signatureSecret) await verifyWebhook(req, this.signatureSecret, this.ctx.clock);
    return parseCallWebhook(req, this.signatureSecret !== undefined);
  }

  continueWith(script: CallStep[]): { contentType: string; body: string } {
    return { contentType: 'application/json', body: JSON.stringify(scriptNcco(script, this.ctx.callbackUrl)) };
  }

  async hangup(providerCallId: string): Promise<void> {
    const url = `${this.o.baseUrl}/v1/calls/${encodeURIComponent(providerCallId)}`;
    const { status } = await vendorRequest(
      'vonage',
      {
        method: 'PUT',
        url,
        headers: { ...(await this.auth()), 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'hangup' }),
        timeoutMs: this.o.timeoutMs,
      },
      this.ctx.outbound,
    );
    // 404: the call has already ended, which is what the hangup wanted.
    if ((status >= 200 && status <= 299) || status === 404) return;
    throw vonageCallError(status, 'the hangup');
  }

  private async auth(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await apiToken(this.o.applicationId, this.o.privateKey, this.ctx.clock)}` };
  }
}

// Vonage numbers are international format without the +.
function digits(e164: string): string {
  return e164.replace(/^\+/, '');
}

function parseUuid(text: string): string | undefined {
  const uuid = parseJsonObject(text)?.uuid;
  return typeof uuid === 'string' && uuid !== '' ? uuid : undefined;
}
