import type { CallProviderDefinition } from '../../../calls/call-provider.js';
import { urlOptionAddress } from '../../../outbound/provider-address.js';
import { resolveOptions, TwilioVoiceOptionsSchema, type TwilioVoiceOptions } from './options.js';
import { TwilioVoiceProvider } from './twilio-voice-provider.js';

export { TwilioVoiceOptionsSchema, type TwilioVoiceOptions } from './options.js';
export { TwilioVoiceProvider } from './twilio-voice-provider.js';
export { scriptTwiml } from './twiml.js';

/** Voice calls through Twilio Programmable Voice, with signed status, gather and inbound webhooks. */
export const twilioVoiceProvider: CallProviderDefinition<TwilioVoiceOptions> = {
  type: 'twilio-voice',
  options: TwilioVoiceOptionsSchema,
  secrets: ['authToken'],
  addresses: (options) => [urlOptionAddress(TwilioVoiceOptionsSchema, options, 'baseUrl')],
  create: (options, ctx) => new TwilioVoiceProvider(resolveOptions(options), ctx),
};
