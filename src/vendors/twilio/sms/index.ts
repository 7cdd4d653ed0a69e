import type { ProviderDefinition } from '../../../delivery/provider.js';
import { urlOptionAddress } from '../../../outbound/provider-address.js';
import { resolveOptions, TwilioOptionsSchema, type TwilioOptions } from './options.js';
import { TwilioProvider } from './twilio-provider.js';

export { TwilioOptionsSchema, type TwilioOptions } from './options.js';
export { TwilioProvider } from './twilio-provider.js';
export { twilioSignature } from '../twilio-signature.js';

/** SMS through Twilio Programmable Messaging, with signed status callbacks. */
export const twilioProvider: ProviderDefinition<TwilioOptions> = {
  type: 'twilio',
  options: TwilioOptionsSchema,
  secrets: ['authToken', 'apiKeySecret'],
  addresses: (options) => [urlOptionAddress(TwilioOptionsSchema, options, 'baseUrl')],
  create: (options, ctx) => new TwilioProvider(resolveOptions(options, ctx.name), ctx),
};
