import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { ConfigError, type RouteRule } from '../config/config.js';
import { isGsm7 } from '../lib/gsm7.js';
import type { Channel } from '../kernel/channel.js';
import { ProviderError } from '../kernel/provider-errors.js';
import type { MessageProvider } from './provider.js';
import type { OutboundMessage, SendReceipt } from '../kernel/message.js';

export interface BreakerSettings {
  threshold: number;
  halfOpenMs: number;
}

/**
 * One circuit breaker per provider, shared by every route that uses it: after `threshold`
 * retryable failures in a row the provider is skipped until a trial send succeeds, so traffic
 * moves to the next provider of the route.
 */
export class Breakers {
  private readonly policies = new Map<string, CircuitBreakerPolicy>();

  constructor(private readonly settings: BreakerSettings) {}

  /** Sends through the provider's breaker; an open breaker is a retryable refusal, like a failure for now. */
  async send(provider: MessageProvider, message: OutboundMessage): Promise<SendReceipt> {
    try {
      return await this.of(provider.name).execute(() => provider.send(message));
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw new ProviderError('CIRCUIT_OPEN', `${provider.name} is failing; its breaker is open`, err);
      throw err;
    }
  }

  state(name: string): 'closed' | 'open' | 'half-open' {
    const state = this.policies.get(name)?.state ?? CircuitState.Closed;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  private of(name: string): CircuitBreakerPolicy {
    let b = this.policies.get(name);
    if (!b) {
      // Only failures that say "try later" count: a refused number says nothing about the provider's health.
      const counts = handleWhen((err) => !(err instanceof ProviderError) || err.retryable);
      b = circuitBreaker(counts, { halfOpenAfter: this.settings.halfOpenMs, breaker: new ConsecutiveBreaker(this.settings.threshold) });
      this.policies.set(name, b);
    }
    return b;
  }
}

/**
 * Chooses, for one message, the ordered providers to try: the rules of its channel whose prefix
 * the destination starts with, longest prefix first, then lower priority, then weighted at
 * random; a provider that cannot carry the message (channel, country, length, alphabet) is
 * skipped. Without a matching rule, every provider that declares the channel, in configured order.
 */
export class ProviderRouter {
  private readonly byName: Map<string, MessageProvider>;

  /**
   * `aliases` lets rules name providers by another name than their own (an account's providers
   * are named by their id everywhere else, and by the account's name for them in its rules).
   */
  constructor(
    private readonly providers: readonly MessageProvider[],
    private readonly rules: readonly RouteRule[],
    aliases: ReadonlyMap<string, MessageProvider> = new Map(),
    private readonly random: () => number = Math.random,
  ) {
    if (providers.length === 0) throw new Error('at least one provider is required');
    this.byName = new Map([...providers.map((p) => [p.name, p] as const), ...aliases]);
    const unknown = rules.map((r, i) => [r, i] as const).filter(([r]) => !this.byName.has(r.provider));
    if (unknown.length > 0) throw new ConfigError(unknown.map(([r, i]) => `ROUTES[${i}].provider: no provider is named "${r.provider}"`));
  }

  get(name: string): MessageProvider | undefined {
    return this.byName.get(name);
  }

  all(): readonly MessageProvider[] {
    return this.providers;
  }

  /** The provider a message goes to first; used when the choice must be made before commit. */
  first(message: Pick<OutboundMessage, 'channel' | 'to' | 'text'>): MessageProvider | undefined {
    return this.candidates(message)[0];
  }

  candidates(message: Pick<OutboundMessage, 'channel' | 'to' | 'text'>): MessageProvider[] {
    const digits = message.channel === 'email' ? '' : message.to.replace(/^\+/, '');
    const matching = this.rules.filter((r) => r.channel === message.channel && digits.startsWith(r.prefix));
    const ordered: MessageProvider[] = [];
    if (matching.length === 0) {
      // The sandbox takes a channel only when no real provider declares it.
      const able = this.providers.filter((p) => p.capabilities.channels.includes(message.channel));
      const real = able.filter((p) => p.type !== 'sandbox');
      ordered.push(...(real.length > 0 ? real : able));
    } else {
      const groups = new Map<string, RouteRule[]>();
      for (const r of matching) {
        const key = `${String(100 - r.prefix.length).padStart(3, '0')}:${String(r.priority + 1e9).padStart(12, '0')}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      for (const key of [...groups.keys()].sort()) {
        for (const r of this.weightedShuffle(groups.get(key) ?? [])) {
          const p = this.byName.get(r.provider);
          if (p && !ordered.includes(p)) ordered.push(p);
        }
      }
    }
    return ordered.filter((p) => fits(p, message.channel, digits, message.text));
  }

  private weightedShuffle(rules: RouteRule[]): RouteRule[] {
    const pool = [...rules];
    const out: RouteRule[] = [];
    while (pool.length > 0) {
      const total = pool.reduce((s, r) => s + r.weight, 0);
      let pick = this.random() * total;
      let i = 0;
      for (; i < pool.length - 1; i++) {
        pick -= (pool[i] as RouteRule).weight;
        if (pick < 0) break;
      }
      out.push(...pool.splice(i, 1));
    }
    return out;
  }
}

function fits(p: MessageProvider, channel: Channel, digits: string, text: string): boolean {
  const c = p.capabilities;
  if (!c.channels.includes(channel)) return false;
  if (c.countries && digits && !c.countries.some((cc) => digits.startsWith(cc))) return false;
  if (c.maxLength !== undefined && [...text].length > c.maxLength) return false;
  if (!c.unicode && channel !== 'email' && !isGsm7(text)) return false;
  return true;
}
