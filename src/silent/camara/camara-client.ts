import type { Logger } from 'pino';
import { ProviderError } from '../../kernel/provider-errors.js';
import type { Clock } from '../../lib/clock.js';
import type { SilentResolverContext } from '../definition.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';
import type { SilentOutcome, SilentRequest, SilentResolver, SilentResult } from '../silent-resolver.js';
import { exchangeCode, verifyNumber, VENDOR } from './camara-api.js';
import { StateSealer } from './camara-state.js';
import type { ResolvedCamaraOptions } from './options.js';

const STATE_TTL_MS = 10 * 60_000;
// OAuth error codes are a fixed vocabulary (RFC 6749 §4.1.2.1); anything else is not logged.
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

/**
 * CAMARA Number Verification v2 with network-based authentication. `resolve` only builds the
 * authorization URL the device must open over mobile data; the operator recognises the device
 * by its data session and redirects it back to Verity, where `complete` exchanges the code and
 * asks `verify` about the number carried, sealed, in the state.
 */
export class CamaraClient implements SilentResolver {
  readonly type = 'camara';
  private readonly sealer: StateSealer;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly outbound: OutboundGuard;

  constructor(
    private readonly o: ResolvedCamaraOptions,
    ctx: SilentResolverContext,
  ) {
    this.sealer = new StateSealer(o.stateKey, o.clientId);
    this.clock = ctx.clock;
    this.outbound = ctx.outbound;
    this.log = ctx.log.child({ resolver: ctx.name, type: this.type });
  }

  async resolve(req: SilentRequest): Promise<SilentResult> {
    const state = this.sealer.seal({ verificationId: req.verificationId, msisdn: req.msisdn, expiresAt: this.clock.now() + STATE_TTL_MS });
    // prompt=none: the operator must answer without asking the user anything (CAMARA NV).
    const params: Record<string, string> = { response_type: 'code', client_id: this.o.clientId, redirect_uri: this.o.redirectUri, scope: this.o.scope, state, prompt: 'none' };
    // %20 rather than + for spaces: some authorization servers read the query with decodeURIComponent.
    const query = Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const url = new URL(this.o.authorizeUrl);
    return { redirect: `${url.origin}${url.pathname}?${url.search.length > 1 ? `${url.search.slice(1)}&` : ''}${query}` };
  }

  /** Throws SilentStateError for a state that is not ours or is too old; every other failure is `error`. */
  async complete(query: Record<string, string>): Promise<{ verificationId: string; outcome: SilentOutcome | 'error' }> {
    const { verificationId, msisdn } = this.sealer.open(query.state, this.clock.now());
    const outcome = await this.ask(verificationId, msisdn, query);
    return { verificationId, outcome };
  }

  private async ask(verificationId: string, msisdn: string, query: Record<string, string>): Promise<SilentOutcome | 'error'> {
    const fail = (detail: string): 'error' => {
      this.log.warn({ verificationId, detail }, 'silent verification failed upstream');
      return 'error';
    };
    const opError = query.error;
    if (opError !== undefined) return fail(`operator refused the authorization${OAUTH_ERROR.test(opError) ? ` (${opError})` : ''}`);
    const code = query.code;
    if (!code) return fail('operator redirected back without a code');
    try {
      const token = await exchangeCode(this.o, code, this.outbound);
      if (!token.ok) return fail(token.detail);
      const verified = await verifyNumber(this.o, token.value, msisdn, this.outbound);
      if (!verified.ok) return fail(verified.detail);
      return verified.value ? 'verified_online' : 'no_match';
    } catch (err) {
      return fail(err instanceof ProviderError ? err.message : `${VENDOR} could not be asked`);
    }
  }
}
