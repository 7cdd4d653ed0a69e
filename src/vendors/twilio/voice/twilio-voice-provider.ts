import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest } from '../../../kernel/message.js';
import type { ProviderContext } from '../../../delivery/provider.js';
import { vendorRequest } from '../../../outbound/vendor-request.js';
import { callbackUrlFor, type CallCallbackResult, type CallProvider, type CallProviderCapabilities, type CallStep, type OutboundCall } from '../../../calls/call-provider.js';
import { parseCallCallback } from './call-callback.js';
import type { ResolvedTwilioVoiceOptions } from './options.js';
import { CALL_NOT_IN_PROGRESS, twilioCallError, twilioCode } from './twilio-call-errors.js';
import { scriptTwiml } from './twiml.js';
import { parseJsonObject } from '../../../lib/json.js';

// Twilio's documented limit for the inline `Twiml` parameter.
const MAX_TWIML_LENGTH = 4000;
// Twilio rings for at most 600 seconds, and takes a positive whole number.
const MAX_RING_S = 600;

/** Voice calls through Twilio Programmable Voice (POST /2010-04-01/Accounts/{sid}/Calls.json). */
export class TwilioVoiceProvider implements CallProvider {
  readonly type = 'twilio-voice';
  readonly name: string;
  readonly capabilities: CallProviderCapabilities;
  private readonly calls: string;
  private readonly authorization: string;

  constructor(
    private readonly o: ResolvedTwilioVoiceOptions,
    private readonly ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.capabilities = { inbound: true, customCallerId: true, countries: o.countries };
    this.calls = `${o.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Calls`;
    this.authorization = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  }

  async placeCall(call: OutboundCall): Promise<{ providerCallId: string }> {
    const from = call.from ?? this.o.from;
    if (!from) throw new ProviderError('NO_CALLER_ID', 'the call has no caller id and the provider has no `from` configured');
    const twiml = scriptTwiml(call.script, { voices: this.o.voices, gatherUrl: callbackUrlFor(this.ctx.callbackUrl, 'gather', call.id) });
    if (twiml.length > MAX_TWIML_LENGTH) {
      throw new ProviderError('SCRIPT_TOO_LONG', `the call script is ${twiml.length} characters of TwiML, over Twilio's ${MAX_TWIML_LENGTH}`);
    }
    const form = new URLSearchParams({
      To: call.to,
      From: from,
      Twiml: twiml,
      StatusCallback: callbackUrlFor(this.ctx.callbackUrl, 'status', call.id),
      StatusCallbackMethod: 'POST',
      Timeout: String(Math.min(MAX_RING_S, Math.max(1, Math.round(call.ringTimeoutS)))),
    });
    // A list parameter is the field repeated, one value each.
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', e);
    const reply = await this.post(`${this.calls}.json`, form);
    if (reply.status < 200 || reply.status > 299) throw twilioCallError(reply.status, twilioCode(reply.body));
    const sid = parseSid(reply.body);
    // Not retryable: Twilio said yes, and placing the call again could ring the phone twice.
    if (!sid) throw new ProviderError('UNEXPECTED_RESPONSE', `twilio accepted the call (HTTP ${reply.status}) without a sid`);
    return { providerCallId: sid };
  }

  parseCallback(req: CallbackRequest): CallCallbackResult {
    return parseCallCallback(req, this.o.authToken);
  }

  continueWith(script: CallStep[]): { contentType: string; body: string } {
    return { contentType: 'text/xml; charset=utf-8', body: scriptTwiml(script, { voices: this.o.voices, gatherUrl: this.ctx.callbackUrl }) };
  }

  /** Ends the call whatever its state: `completed` also stops one still ringing (a flash call). */
  async hangup(providerCallId: string): Promise<void> {
    const reply = await this.post(`${this.calls}/${encodeURIComponent(providerCallId)}.json`, new URLSearchParams({ Status: 'completed' }));
    if (reply.status >= 200 && reply.status <= 299) return;
    const code = twilioCode(reply.body);
    // The call ended on its own before we got to it: what the hangup wanted.
    if (reply.status === 404 || code === CALL_NOT_IN_PROGRESS) return;
    throw twilioCallError(reply.status, code, 'the hangup');
  }

  private post(url: string, form: URLSearchParams) {
    return vendorRequest(
      'twilio',
      {
        method: 'POST',
        url,
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: this.o.timeoutMs,
      },
      this.ctx.outbound,
    );
  }
}

function parseSid(text: string): string | undefined {
  const sid = parseJsonObject(text)?.sid;
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
}
