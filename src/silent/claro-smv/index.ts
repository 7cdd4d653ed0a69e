import type { SilentResolverDefinition } from '../definition.js';
import { ClaroSmvClient } from './claro-smv-client.js';
import { ClaroSmvOptionsSchema, resolveOptions, type ClaroSmvOptions } from './options.js';

export { ClaroSmvClient } from './claro-smv-client.js';
export { ClaroSmvOptionsSchema, type ClaroSmvOptions } from './options.js';

/** Silent verification of Brazilian numbers on Claro's network through Claro's SMV API. */
export const claroSmvResolver: SilentResolverDefinition<ClaroSmvOptions> = {
  type: 'claro-smv',
  options: ClaroSmvOptionsSchema,
  secrets: ['secret'],
  create: (options, ctx) => new ClaroSmvClient(resolveOptions(options), ctx),
};
