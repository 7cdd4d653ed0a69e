import type { CallProviderDefinition } from '../../../calls/call-provider.js';
import { urlOptionAddress } from '../../../outbound/provider-address.js';
import { resolveOptions, VonageVoiceOptionsSchema, type VonageVoiceOptions } from './options.js';
import { VonageVoiceProvider } from './vonage-voice-provider.js';

export { VonageVoiceOptionsSchema, type VonageVoiceOptions } from './options.js';
export { VonageVoiceProvider } from './vonage-voice-provider.js';
export { scriptNcco, type NccoAction } from './ncco.js';

/** Voice calls through the Vonage Voice API, with JWT-signed webhooks when a signature secret is set. */
export const vonageVoiceProvider: CallProviderDefinition<VonageVoiceOptions> = {
  type: 'vonage-voice',
  options: VonageVoiceOptionsSchema,
  secrets: ['privateKey', 'signatureSecret'],
  addresses: (options) => [urlOptionAddress(VonageVoiceOptionsSchema, options, 'baseUrl')],
  create: (options, ctx) => new VonageVoiceProvider(resolveOptions(options, ctx.name), ctx),
};
