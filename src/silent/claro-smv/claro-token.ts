import { vendorRequest } from '../../outbound/vendor-request.js';
import type { Clock } from '../../lib/clock.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';
import type { ResolvedClaroSmvOptions } from './options.js';
import { parseJsonObject } from '../../lib/json.js';

export const VENDOR = 'Claro SMV';

/** Claro's gateway would not issue a token; the message names the status only. */
export class ClaroTokenError extends Error {}

// Apigee always sends expires_in; without one, a short lifetime costs a token request a minute.
const FALLBACK_LIFETIME_S = 60;

/**
 * The client-credentials token for Claro's Apigee gateway, kept until shortly before it expires.
 * Callers that arrive while a request is out share it, so a burst of verifications after a
 * restart or an expiry costs one token request.
 */
export class ClaroTokenSource {
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly o: ResolvedClaroSmvOptions,
    private readonly clock: Clock,
    private readonly outbound: OutboundGuard,
  ) {}

  get(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets a token the API refused, unless another caller has already replaced it. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async request(): Promise<string> {
    // As Claro's samples do: the credentials go in the custom x-client-auth header, not Authorization,
    // and every header name is spelled as they spell it.
    const reply = await vendorRequest(
      VENDOR,
      {
        method: 'POST',
        url: `${this.o.baseUrl}/oauth2/v1/token`,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'cache-control': 'no-cache',
          'x-client-auth': `Basic ${Buffer.from(`${this.o.key}:${this.o.secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
        timeoutMs: this.o.timeoutMs,
      },
      this.outbound,
    );
    if (reply.status !== 200) throw new ClaroTokenError(`${VENDOR} refused the token request (HTTP ${reply.status})`);
    const body = parseJsonObject(reply.body);
    const token = body?.access_token;
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) throw new ClaroTokenError(`${VENDOR} sent a token answer without an access_token`);
    // Apigee writes every value as a string: "3599".
    const seconds = Number(body?.expires_in);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : FALLBACK_LIFETIME_S) * 1000;
    // Renew a minute early (a tenth early for short lifetimes) so a token never expires in flight.
    const margin = Math.min(60_000, lifetimeMs / 10);
    this.cached = { token, refreshAt: this.clock.now() + lifetimeMs - margin };
    return token;
  }
}
