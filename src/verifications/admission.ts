import type { Channel, Recipient } from '../kernel/channel.js';
import { enforce } from './rate-limits.js';
import type { CallerContext, VerificationServiceDeps } from './verification-deps.js';
import type { VerificationRow } from './verification-store.js';

/**
 * What a start or a resend must pass before anything is written: the destination screen (the
 * safe list, geo permissions), then, for a start, the start limits. The screen comes first, so a
 * start it refuses does not use up the budget of the account's real users. The sandbox's magic
 * test numbers never send and are not screened.
 */
export class Admission {
  constructor(private readonly d: Pick<VerificationServiceDeps, 'screen' | 'limiters'>) {}

  /** `steps`: the channels the start may send on (a workflow's every step). */
  async start(ctx: CallerContext, serviceId: string | null, steps: ReadonlyArray<{ channel: Channel }>, recipient: Recipient, magic: boolean): Promise<void> {
    const { d } = this;
    if (recipient.country && !magic && d.screen)
      await d.screen.check(
        ctx.accountId,
        serviceId,
        steps.map((s) => s.channel),
        recipient.country,
        recipient.to,
      );
    await enforce(d.limiters.startPerIp, ctx.ip, 'RATE_LIMITED', 'too many verifications from this address');
    await enforce(d.limiters.startPerAccount, ctx.accountId, 'RATE_LIMITED', 'too many verifications for this account');
  }

  async resend(ctx: CallerContext, row: Pick<VerificationRow, 'service_id' | 'country' | 'to'>, target: Channel, magic: boolean): Promise<void> {
    if (row.country && !magic && this.d.screen) await this.d.screen.check(ctx.accountId, row.service_id, [target], row.country, row.to);
  }
}
