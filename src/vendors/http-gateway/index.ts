import type { ProviderDefinition } from '../../delivery/provider.js';
import { urlAddress } from '../../outbound/provider-address.js';
import { HttpGatewayProvider } from './gateway-provider.js';
import { compileRequest, gatewayUrl } from './gateway-request.js';
import { HttpGatewayOptionsSchema, resolveOptions, type HttpGatewayOptions } from './options.js';

export { HttpGatewayOptionsSchema, type HttpGatewayOptions } from './options.js';
export { HttpGatewayProvider } from './gateway-provider.js';

/** A generic SMS gateway reached over HTTP, for the many local vendors without a dedicated adapter. */
export const httpProvider: ProviderDefinition<HttpGatewayOptions> = {
  type: 'http',
  options: HttpGatewayOptionsSchema,
  // Every credential lives in `secrets` and is referenced as {secret.NAME}, so one key seals them all.
  secrets: ['secrets'],
  addresses: (options) => [urlAddress('url', gatewayUrl(compileRequest(options)))],
  create: (options, ctx) => new HttpGatewayProvider(resolveOptions(options), ctx),
};
