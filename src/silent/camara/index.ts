import type { SilentResolverDefinition } from '../definition.js';
import { CamaraClient } from './camara-client.js';
import { CamaraOptionsSchema, resolveOptions, type CamaraOptions } from './options.js';

export { CamaraClient } from './camara-client.js';
export { CamaraOptionsSchema, type CamaraOptions } from './options.js';

/** Silent verification through an operator's CAMARA Number Verification v2 API (network-based authentication). */
export const camaraResolver: SilentResolverDefinition<CamaraOptions> = {
  type: 'camara',
  options: CamaraOptionsSchema,
  secrets: ['clientSecret', 'stateKey'],
  create: (options, ctx) => new CamaraClient(resolveOptions(options, ctx.callbackUrl), ctx),
};
