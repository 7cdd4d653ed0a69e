import type { ProviderDefinition } from '../../delivery/provider.js';
import { urlOptionAddress } from '../../outbound/provider-address.js';
import { resolveOptions, WhatsAppOptionsSchema, type WhatsAppOptions } from './options.js';
import { WhatsAppProvider } from './whatsapp-provider.js';

export { WhatsAppOptionsSchema, type WhatsAppOptions } from './options.js';
export { WhatsAppProvider } from './whatsapp-provider.js';

/** WhatsApp through Meta's Cloud API: an authentication template with a copy-code button. */
export const whatsappProvider: ProviderDefinition<WhatsAppOptions> = {
  type: 'whatsapp',
  options: WhatsAppOptionsSchema,
  secrets: ['accessToken', 'appSecret', 'verifyToken'],
  addresses: (options) => [urlOptionAddress(WhatsAppOptionsSchema, options, 'baseUrl')],
  create: (options, ctx) => new WhatsAppProvider(resolveOptions(options), ctx),
};
