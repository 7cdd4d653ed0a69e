import type { SilentRequest, SilentResolver, SilentResult } from './silent-resolver.js';

export interface SilentRoute {
  /** Calling-code prefix of the number (`55`, `5511`); '' for every number. */
  prefix: string;
  /** The configured name, which the operator's redirect back names (`/v1/silent/{name}/callback`). */
  name: string;
  resolver: SilentResolver;
}

/**
 * Sends each silent step to the resolver for its number: the longest matching calling-code prefix
 * of SILENT_ROUTES, else the local engine.
 */
export class SilentRouter {
  private readonly routes: SilentRoute[];

  constructor(
    routes: readonly SilentRoute[],
    private readonly fallback: SilentResolver,
  ) {
    this.routes = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  resolve(req: SilentRequest): Promise<SilentResult> {
    const digits = req.msisdn.replace(/^\+/, '');
    const route = this.routes.find((r) => digits.startsWith(r.prefix));
    return (route?.resolver ?? this.fallback).resolve(req);
  }

  /** The resolver an operator's redirect comes back to. */
  named(name: string): SilentResolver | undefined {
    return this.routes.find((r) => r.name === name)?.resolver;
  }
}
