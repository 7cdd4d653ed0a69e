import { Type, type Static } from 'typebox';
import type { SilentEngine } from './silent-engine.js';
import type { SilentResolverDefinition } from './definition.js';
import type { SilentRequest, SilentResolver, SilentResult } from './silent-resolver.js';

/**
 * Verity's own operator engine: the data sessions and CGNAT blocks an operator feeds it (RADIUS,
 * the ingest API), and the caller's own virtual phones on the sandbox's simulated operator.
 * `operator` limits the answer to one operator account's data.
 */
export class LocalSilentResolver implements SilentResolver {
  readonly type = 'local';

  constructor(
    private readonly engine: SilentEngine,
    private readonly operator?: string | undefined,
  ) {}

  async resolve(req: SilentRequest): Promise<SilentResult> {
    if (!req.device) return { outcome: 'error', detail: 'no device address' };
    const answer = await this.engine.lookup({ msisdn: req.msisdn, ip: req.device.ip, port: req.device.port, at: req.device.at, accountId: this.operator, sandboxOf: req.accountId });
    return { outcome: answer.outcome };
  }
}

export const LocalResolverOptionsSchema = Type.Object({
  operator: Type.Optional(Type.String({ description: 'The operator account whose data answers; unset: every operator’s, and the caller’s virtual phones.' })),
});
export type LocalResolverOptions = Static<typeof LocalResolverOptionsSchema>;

/** SILENT_ROUTES `type: local`: the operator engine of this app, optionally limited to one operator account. */
export function localResolver(engine: SilentEngine): SilentResolverDefinition<LocalResolverOptions> {
  return { type: 'local', options: LocalResolverOptionsSchema, secrets: [], create: (options) => new LocalSilentResolver(engine, options.operator) };
}
