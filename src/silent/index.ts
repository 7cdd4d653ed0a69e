import type { Logger } from 'pino';
import { ConfigError } from '../config/config.js';
import { buildAdapters, type AdapterEntry } from '../kernel/adapter.js';
import type { Clock } from '../lib/clock.js';
import type { OutboundGuard } from '../outbound/outbound-guard.js';
import type { SilentEngine } from './silent-engine.js';
import { camaraResolver } from './camara/index.js';
import { claroSmvResolver } from './claro-smv/index.js';
import type { SilentResolverDefinition } from './definition.js';
import { LocalSilentResolver, localResolver } from './local-resolver.js';
import { SilentRouter, type SilentRoute } from './silent-router.js';

export { SilentRouter } from './silent-router.js';

/** Upstream kinds SILENT_ROUTES may name besides `local`. */
export const SILENT_TYPES: ReadonlyMap<string, SilentResolverDefinition<never>> = new Map<string, SilentResolverDefinition<never>>(
  [claroSmvResolver, camaraResolver].map((d) => [d.type, d as SilentResolverDefinition<never>]),
);

export interface SilentBuildContext {
  engine: SilentEngine;
  log: Logger;
  clock: Clock;
  publicUrl: string;
  /** The operator's guard (PROVIDERS_ALLOW_PRIVATE): upstreams are the operator's own configuration. */
  outbound: OutboundGuard;
}

/** Where an operator sends the device back after network-based authentication. */
export function silentCallbackUrl(publicUrl: string, name: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/silent/${encodeURIComponent(name)}/callback`;
}

/**
 * Builds the router from SILENT_ROUTES entries `{name, prefix?, type, …options}`: `local` (the
 * operator engine; `operator` limits it to one operator account) or an upstream kind. Every
 * problem is reported at once; option values never appear in the messages.
 */
export function buildSilentRouter(entries: ReadonlyArray<Record<string, unknown>>, ctx: SilentBuildContext): SilentRouter {
  const problems: string[] = [];
  const adapters: Array<AdapterEntry & { prefix: string }> = [];
  const names = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const { name, type, prefix, ...options } = entry as { name?: unknown; type?: unknown; prefix?: unknown } & Record<string, unknown>;
    const where = `SILENT_ROUTES[${i}]`;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name) || names.has(name)) {
      problems.push(`${where} needs a unique name (lower-case letters, digits, - and _)`);
      continue;
    }
    names.add(name);
    const digits = prefix === undefined ? '' : String(prefix).replace(/^\+/, '');
    if (!/^\d{0,15}$/.test(digits)) problems.push(`${where} (${name}): prefix must be calling-code digits`);
    adapters.push({ where, name, type, options, prefix: digits });
  }
  // `local` is the operator engine this app runs, so its definition exists only per build.
  const types = new Map<string, SilentResolverDefinition<never>>([['local', localResolver(ctx.engine) as SilentResolverDefinition<never>], ...SILENT_TYPES]);
  const { built, problems: refused } = buildAdapters(adapters, types, {
    unknownType: () => `type must be local or one of ${[...SILENT_TYPES.keys()].join(', ')}`,
    context: ({ name }) => ({ name, log: ctx.log.child({ silent: name }), clock: ctx.clock, callbackUrl: silentCallbackUrl(ctx.publicUrl, name), outbound: ctx.outbound }),
  });
  problems.push(...refused);
  if (problems.length > 0) throw new ConfigError(problems);
  const routes: SilentRoute[] = built.map(({ entry, instance }) => ({ name: entry.name, prefix: entry.prefix, resolver: instance }));
  return new SilentRouter(routes, new LocalSilentResolver(ctx.engine));
}
