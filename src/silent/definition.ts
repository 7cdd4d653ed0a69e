import type { Logger } from 'pino';
import type { AdapterDefinition } from '../kernel/adapter.js';
import type { Clock } from '../lib/clock.js';
import type { OutboundGuard } from '../outbound/outbound-guard.js';
import type { SilentResolver } from './silent-resolver.js';

export interface SilentResolverContext {
  /** The configured name of this resolver, for logs. */
  name: string;
  log: Logger;
  clock: Clock;
  /**
   * Verity's public URL of `GET /v1/silent/{type}/callback`, for resolvers that send the device
   * through the operator and back (CAMARA); used when their options name no redirect URI.
   */
  callbackUrl?: string | undefined;
  /** The guard every connection to the upstream goes through. */
  outbound: OutboundGuard;
}

/** One upstream silent-verification kind, like CallProviderDefinition for telephony. */
export type SilentResolverDefinition<O = Record<string, unknown>> = AdapterDefinition<O, SilentResolver, SilentResolverContext>;

/**
 * The operator's redirect back to Verity carries a state that is missing, forged, altered, from
 * another configuration or past its time. The message is safe to show; the route answers 400.
 */
export class SilentStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SilentStateError';
  }
}
