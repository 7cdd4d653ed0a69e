import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { ConfigError } from '../config/config.js';
import type { DeliveryReceipt, MessageProvider, ProviderDefinition } from '../delivery/provider.js';
import type { Clock } from '../lib/clock.js';
import type { OutboundGuard } from '../net/outbound-guard.js';
import { httpProvider } from './http-gateway/index.js';
import { smppProvider } from './smpp/index.js';
import { smtpProvider } from './smtp/index.js';
import { twilioProvider } from './twilio/index.js';
import { vonageProvider } from './vonage/index.js';
import { whatsappProvider } from './whatsapp/index.js';
import { callChannelDefinition } from '../calls/call-channel-provider.js';
import { twilioVoiceProvider } from '../telephony/twilio-voice/index.js';
import { vonageVoiceProvider } from '../telephony/vonage-voice/index.js';

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
export function checkOptions(def: { options: TSchema }, options: Record<string, unknown>): { options: Record<string, unknown>; problems: string[] } {
  const withDefaults = Value.Default(def.options, structuredClone(options)) as Record<string, unknown>;
  const problems = [...Value.Errors(def.options, withDefaults)].slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return { options: withDefaults, problems };
}

/** The callback URL a vendor is given for a provider's status reports. */
export function callbackUrl(publicUrl: string, name: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/providers/${encodeURIComponent(name)}/callback`;
}

/**
 * Builds the PROVIDERS entries, each checked against its type's schema; every problem is reported
 * at once, like the rest of the configuration. Option values never appear in the messages.
 */
export function buildProviders(entries: ReadonlyArray<Record<string, unknown>>, ctx: BuildContext, types = PROVIDER_TYPES): MessageProvider[] {
  const problems: string[] = [];
  const out: MessageProvider[] = [];
  for (const [i, entry] of entries.entries()) {
    const { name, type, ...options } = entry as { name: string; type: string } & Record<string, unknown>;
    const def = types.get(type);
    if (!def) {
      problems.push(`PROVIDERS[${i}] (${name}): unknown type "${type}"; one of ${[...types.keys()].join(', ')}`);
      continue;
    }
    const checked = checkOptions(def, options);
    if (checked.problems.length > 0) {
      for (const p of checked.problems) problems.push(`PROVIDERS[${i}] (${name}): ${p}`);
      continue;
    }
    const withDefaults = checked.options;
    out.push(
      def.create(withDefaults as never, {
        name,
        log: ctx.log.child({ provider: name }),
        clock: ctx.clock,
        onReceipt: (r) => ctx.onReceipt(name, r),
        callbackUrl: callbackUrl(ctx.publicUrl, name),
        outbound: ctx.outbound,
      }),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
