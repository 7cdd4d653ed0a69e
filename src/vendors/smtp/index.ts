import type { ProviderDefinition } from '../../delivery/provider.js';
import { resolveOptions, SmtpOptionsSchema, type SmtpOptions } from './options.js';
import { SmtpProvider } from './smtp-provider.js';

export { SmtpOptionsSchema, type SmtpOptions } from './options.js';
export { SmtpProvider } from './smtp-provider.js';

/** Email through an SMTP relay (a submission server such as Postfix, SES SMTP, Mailgun SMTP). */
export const smtpProvider: ProviderDefinition<SmtpOptions> = {
  type: 'smtp',
  options: SmtpOptionsSchema,
  secrets: ['password'],
  addresses: (options) => [{ option: 'host', host: options.host }],
  create: (options, ctx) => new SmtpProvider(resolveOptions(options), ctx),
};
