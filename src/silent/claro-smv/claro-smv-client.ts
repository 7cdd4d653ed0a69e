import type { Logger } from 'pino';
import { ProviderError } from '../../kernel/provider-errors.js';
import { vendorRequest, type VendorReply } from '../../outbound/vendor-request.js';
import type { SilentResolverContext } from '../definition.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';
import type { SilentOutcome, SilentRequest, SilentResolver, SilentResult } from '../silent-resolver.js';
import { OUTCOME_STATUS } from '../silent-engine.js';
import { ClaroTokenError, ClaroTokenSource, VENDOR } from './claro-token.js';
import type { ResolvedClaroSmvOptions } from './options.js';

// Claro's statuses back to the outcomes they carry.
const OUTCOMES: ReadonlyMap<number, SilentOutcome> = new Map((Object.entries(OUTCOME_STATUS) as Array<[SilentOutcome, number]>).map(([outcome, status]) => [status, outcome]));

/**
 * Claro Brasil SMV: `POST /identity/v1/mobileidentities/smvs` with the device's public ip:port
 * and when it had it. A token Claro refuses (401) is replaced once and the question asked again.
 */
export class ClaroSmvClient implements SilentResolver {
  readonly type = 'claro-smv';
  private readonly tokens: ClaroTokenSource;
  private readonly log: Logger;
  private readonly outbound: OutboundGuard;

  constructor(
    private readonly o: ResolvedClaroSmvOptions,
    ctx: SilentResolverContext,
  ) {
    this.tokens = new ClaroTokenSource(o, ctx.clock, ctx.outbound);
    this.outbound = ctx.outbound;
    this.log = ctx.log.child({ resolver: ctx.name, type: this.type });
  }

  async resolve(req: SilentRequest): Promise<SilentResult> {
    const device = req.device;
    if (!device) return { outcome: 'error', detail: 'no device address' };
    // The samples' shape: msisdn as a string of digits with country code and no +, epoch seconds.
    const data: Record<string, string | number> = { msisdn: req.msisdn.replace(/^\+/, ''), ip: device.ip };
    if (device.port !== undefined) data.port = device.port;
    data.timestamp = Math.floor(device.at / 1000);
    const body = JSON.stringify({ data });
    try {
      let token = await this.tokens.get();
      let reply = await this.ask(token, body);
      if (reply.status === 401) {
        this.tokens.invalidate(token);
        token = await this.tokens.get();
        reply = await this.ask(token, body);
      }
      const outcome = OUTCOMES.get(reply.status);
      if (outcome) return { outcome };
      const detail = `${VENDOR} answered HTTP ${reply.status}`;
      this.log.warn({ verificationId: req.verificationId, status: reply.status }, 'silent verification refused upstream');
      return { outcome: 'error', detail };
    } catch (err) {
      // Both messages name the vendor and a status or a timeout, never the URL, number or keys.
      const detail = err instanceof ProviderError || err instanceof ClaroTokenError ? err.message : `${VENDOR} could not be asked`;
      this.log.warn({ verificationId: req.verificationId, detail }, 'silent verification failed upstream');
      return { outcome: 'error', detail };
    }
  }

  private ask(token: string, body: string): Promise<VendorReply> {
    return vendorRequest(
      VENDOR,
      {
        method: 'POST',
        url: `${this.o.baseUrl}/identity/v1/mobileidentities/smvs`,
        headers: {
          // Each name spelled as Claro's samples write it.
          'Content-Type': 'application/json',
          'cache-control': 'no-cache',
          'x-client-auth': `Bearer ${token}`,
          'X-CustomerID': this.o.customerId,
        },
        body,
        timeoutMs: this.o.timeoutMs,
      },
      this.outbound,
    );
  }
}
