/** Whether a scope lets messages go to a country. */
export type GeoAction = 'allow' | 'block';

/** A stored rule: '' for the whole account (`serviceId`) or every channel (`channel`); '*' for every country the scope does not name. */
export interface GeoRule {
  serviceId: string;
  channel: string;
  country: string;
  action: GeoAction;
}

/** The server's default from the configuration: a non-empty `allowed` admits only those countries. */
export interface ServerGeo {
  allowed: readonly string[];
  blocked: readonly string[];
}

/** Which scope decided, most specific first. */
export type GeoScope = 'service_channel' | 'service' | 'account_channel' | 'account' | 'server';

export interface GeoVerdict {
  allowed: boolean;
  scope: GeoScope;
  /** The rule that decided: the country itself, or '*' (the scope's default). */
  rule: string;
}

/**
 * The answer for one country on one channel of a service. The most specific scope with an opinion
 * decides: a service's channel, the service, the account's channel, the account, then the server.
 * A scope's opinion is its rule for the country, else its default ('*'); a scope with neither
 * leaves the question to the next.
 */
export function decideGeo(rules: readonly GeoRule[], server: ServerGeo, serviceId: string | null, channel: string, country: string): GeoVerdict {
  const scopes: Array<[GeoScope, string, string]> = [];
  if (serviceId) scopes.push(['service_channel', serviceId, channel], ['service', serviceId, '']);
  scopes.push(['account_channel', '', channel], ['account', '', '']);
  for (const [scope, service, ch] of scopes) {
    let fallback: GeoRule | undefined;
    for (const r of rules) {
      if (r.serviceId !== service || r.channel !== ch) continue;
      if (r.country === country) return { allowed: r.action === 'allow', scope, rule: country };
      if (r.country === '*') fallback = r;
    }
    if (fallback) return { allowed: fallback.action === 'allow', scope, rule: '*' };
  }
  if (server.allowed.length > 0) return { allowed: server.allowed.includes(country), scope: 'server', rule: server.allowed.includes(country) ? country : '*' };
  return { allowed: !server.blocked.includes(country), scope: 'server', rule: server.blocked.includes(country) ? country : '*' };
}
