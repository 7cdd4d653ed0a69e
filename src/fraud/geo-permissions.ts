import { AppError } from '../errors/index.js';
import type { Principal } from '../http/types.js';
import { fraudAccount } from './settings.js';
import type { Clock } from '../lib/clock.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { decideGeo, type GeoAction, type GeoRule, type GeoVerdict, type ServerGeo } from './geo.js';
import type { GeoStore } from './geo-store.js';

/** How long an instance answers from its copy of an account's rules: another instance's change is seen within this. */
export const GEO_CACHE_MS = 2000;
/** Accounts whose rules one instance keeps at most. */
export const GEO_CACHE_ACCOUNTS = 10_000;

/** One scope's rules as the API shows them. */
export interface GeoScopeView {
  service: string | null;
  channel: string | null;
  default: GeoAction | null;
  countries: Record<string, GeoAction>;
}

export interface GeoPut {
  account?: string | undefined;
  service?: string | null | undefined;
  channel?: string | null | undefined;
  default?: GeoAction | null | undefined;
  countries?: Record<string, GeoAction> | undefined;
}

/**
 * Geo permissions: per account, overridable per service and per channel, whether messages may go
 * to a country, over the server's default. Read on every start from a short-lived copy per
 * account, so a check costs a map lookup.
 */
export class GeoPermissions {
  private readonly cache: TtlCache<GeoRule[]>;

  constructor(
    private readonly store: GeoStore,
    readonly server: ServerGeo,
    private readonly clock: Clock,
    private readonly serviceExists: (accountId: string, serviceId: string) => Promise<void>,
    private readonly metrics: { fraudDecision(outcome: 'refused', reason: 'geo'): void },
  ) {
    this.cache = new TtlCache(GEO_CACHE_MS, GEO_CACHE_ACCOUNTS, () => clock.now());
  }

  /** The verdict for each channel; the first that is refused, if any. */
  async refusal(accountId: string, serviceId: string | null, channels: readonly string[], country: string): Promise<(GeoVerdict & { channel: string }) | undefined> {
    const rules = await this.rulesOf(accountId);
    for (const channel of channels) {
      const v = decideGeo(rules, this.server, serviceId, channel, country);
      if (!v.allowed) return { ...v, channel };
    }
    return undefined;
  }

  /** Refuses a start (or a resend) to a country its scope blocks, before anything is written. */
  async check(accountId: string, serviceId: string | null, channels: readonly string[], country: string): Promise<void> {
    const refused = await this.refusal(accountId, serviceId, channels, country);
    if (refused) {
      this.metrics.fraudDecision('refused', 'geo');
      const by = refused.scope === 'server' ? 'the server’s default' : `the ${refused.scope.replace('_', ' ')} rule for ${refused.rule === '*' ? 'other countries' : country}`;
      throw new AppError('COUNTRY_NOT_ALLOWED', `messages to ${country} on ${refused.channel} are blocked by ${by}`, { country, channel: refused.channel, scope: refused.scope });
    }
  }

  async view(caller: Principal, account: string | undefined) {
    const accountId = fraudAccount(caller, account);
    const rules = await this.store.rules(accountId);
    const scopes = new Map<string, GeoScopeView>();
    for (const r of rules) {
      const k = `${r.serviceId}\u0000${r.channel}`;
      let s = scopes.get(k);
      if (!s) {
        s = { service: r.serviceId || null, channel: r.channel || null, default: null, countries: {} };
        scopes.set(k, s);
      }
      if (r.country === '*') s.default = r.action;
      else s.countries[r.country] = r.action;
    }
    return { account: accountId, server: { allowed: [...this.server.allowed], blocked: [...this.server.blocked] }, scopes: [...scopes.values()] };
  }

  /** Replaces one scope's rules; a scope with no countries and no default is removed. */
  async put(caller: Principal, body: GeoPut): Promise<GeoScopeView> {
    const accountId = fraudAccount(caller, body.account);
    const serviceId = body.service ?? '';
    const channel = body.channel ?? '';
    if (serviceId) await this.serviceExists(accountId, serviceId);
    const countries = Object.entries(body.countries ?? {}).map(([c, a]) => [c.toUpperCase(), a] as [string, GeoAction]);
    const rows: Array<[string, GeoAction]> = [...countries, ...(body.default ? [['*', body.default] as [string, GeoAction]] : [])];
    await this.store.replace(accountId, serviceId, channel, rows, this.clock.now());
    this.cache.delete(accountId);
    return { service: serviceId || null, channel: channel || null, default: body.default ?? null, countries: Object.fromEntries(countries) };
  }

  private rulesOf(accountId: string): GeoRule[] | Promise<GeoRule[]> {
    return this.cache.get(accountId, () => this.store.rules(accountId));
  }
}
