import type { ProviderDefinition } from '../../delivery/provider.js';
import { smppOptions, smppSecrets, withDefaults, type SmppOptions } from './options.js';
import { SmppProvider } from './smpp-provider.js';

/** SMS through an SMSC over SMPP 3.4 (bind_transceiver, submit_sm, deliver_sm receipts). */
export const smppProvider: ProviderDefinition<SmppOptions> = {
  type: 'smpp',
  options: smppOptions,
  secrets: smppSecrets,
  addresses: (options) => [{ option: 'host', host: options.host }],
  create: (options, ctx) => new SmppProvider(withDefaults(options), ctx),
};

export { SmppProvider } from './smpp-provider.js';
export type { SmppOptions } from './options.js';
