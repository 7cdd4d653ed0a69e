import type { ProviderDefinition } from '../../../delivery/provider.js';
import { urlOptionAddress } from '../../../outbound/provider-address.js';
import { resolveOptions, VonageOptionsSchema, type VonageOptions } from './options.js';
import { VonageProvider } from './vonage-provider.js';

export { VonageOptionsSchema, type VonageOptions } from './options.js';
export { VonageProvider } from './vonage-provider.js';
export { vonageSignature } from './vonage-signature.js';

/** SMS through the Vonage (Nexmo) SMS API, with optionally signed delivery receipts. */
export const vonageProvider: ProviderDefinition<VonageOptions> = {
  type: 'vonage',
  options: VonageOptionsSchema,
  secrets: ['apiSecret', 'signatureSecret'],
  addresses: (options) => [urlOptionAddress(VonageOptionsSchema, options, 'baseUrl')],
  create: (options, ctx) => new VonageProvider(resolveOptions(options), ctx),
};
