import type { Logger } from 'pino';
import { ConfigError } from '../config/config.js';
import type { DeliveryReceipt } from '../kernel/message.js';
import type { MessageProvider, ProviderDefinition } from '../delivery/provider.js';
import { buildAdapters, checkAdapterOptions, type AdapterEntry } from '../kernel/adapter.js';
import type { Clock } from '../lib/clock.js';
import type { OutboundGuard } from '../outbound/outbound-guard.js';
import { httpProvider } from '../vendors/http-gateway/index.js';
import { smppProvider } from '../vendors/smpp/index.js';
import { smtpProvider } from '../vendors/smtp/index.js';
import { twilioProvider } from '../vendors/twilio/sms/index.js';
import { vonageProvider } from '../vendors/vonage/sms/index.js';
import { whatsappProvider } from '../vendors/whatsapp/index.js';
import { callChannelDefinition } from '../calls/call-channel-provider.js';
import { twilioVoiceProvider } from '../vendors/twilio/voice/index.js';
import { vonageVoiceProvider } from '../vendors/vonage/voice/index.js';

/** Every adapter kind PROVIDERS may name. */
export const PROVIDER_TYPES: ReadonlyMap<string, ProviderDefinition<never>> = new Map<string, ProviderDefinition<never>>(
  [smtpProvider, smppProvider, httpProvider, twilioProvider, vonageProvider, whatsappProvider, callChannelDefinition(twilioVoiceProvider), callChannelDefinition(vonageVoiceProvider)].map((d) => [
    d.type,
    d as ProviderDefinition<never>,
  ]),
);

export interface BuildContext {
  log: Logger;
  clock: Clock;
  publicUrl: string;
  onReceipt: (provider: string, receipt: DeliveryReceipt) => void;
  /** The guard every connection of the providers built goes through. */
  outbound: OutboundGuard;
}

/**
 * A provider entry's options with its type's defaults filled in, and what its schema refuses
 * (at most five problems, as `/path message`); the values themselves never appear.
 */
export const checkOptions = checkAdapterOptions;

/** The callback URL a vendor is given for a provider's status reports. */
export function callbackUrl(publicUrl: string, name: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/providers/${encodeURIComponent(name)}/callback`;
}

/**
 * Builds the PROVIDERS entries, each checked against its type's schema; every problem is reported
 * at once, like the rest of the configuration. Option values never appear in the messages.
 */
export function buildProviders(entries: ReadonlyArray<Record<string, unknown>>, ctx: BuildContext, types = PROVIDER_TYPES): MessageProvider[] {
  const adapters: AdapterEntry[] = entries.map((entry, i) => {
    const { name, type, ...options } = entry as { name: string; type: unknown } & Record<string, unknown>;
    return { where: `PROVIDERS[${i}]`, name, type, options };
  });
  const { built, problems } = buildAdapters(adapters, types, {
    unknownType: (type) => `unknown type "${String(type)}"; one of ${[...types.keys()].join(', ')}`,
    context: ({ name }) => ({
      name,
      log: ctx.log.child({ provider: name }),
      clock: ctx.clock,
      onReceipt: (r) => ctx.onReceipt(name, r),
      callbackUrl: callbackUrl(ctx.publicUrl, name),
      outbound: ctx.outbound,
    }),
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return built.map((b) => b.instance);
}
