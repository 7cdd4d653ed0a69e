import type { Channel, Recipient } from '../kernel/channel.js';
import { enforce } from './rate-limits.js';
import type { CallerContext, VerificationServiceDeps } from './verification-deps.js';
import type { VerificationRow } from './verification-store.js';

/**
 * What a start or a resend must pass before anything is written: the destination screen (the
 * safe list, geo permissions, the pumping rules), then, for a start, the start limits. The screen
 * comes first, so a start it refuses does not use up the budget of the account's real users. The
 * sandbox's magic test numbers never send and are not screened.
 */
export class Admission {
  constructor(private readonly d: Pick<VerificationServiceDeps, 'screen' | 'limiters' | 'prices'>) {}

  /** `steps`: the channels the start may send on (a workflow's every step); `ip`: the end user's. What it returns goes to `sent` once the start is written. */
  async start(ctx: CallerContext, serviceId: string | null, steps: ReadonlyArray<{ channel: Channel }>, recipient: Recipient, magic: boolean, ip: string): Promise<object | undefined> {
    const judged = await this.screen(
      ctx.accountId,
      serviceId,
      steps.map((s) => s.channel),
      recipient,
      magic,
      ip,
    );
    await enforce(this.d.limiters.startPerIp, ctx.ip, 'RATE_LIMITED', 'too many verifications from this address');
    await enforce(this.d.limiters.startPerAccount, ctx.accountId, 'RATE_LIMITED', 'too many verifications for this account');
    return judged;
  }

  resend(ctx: CallerContext, row: Pick<VerificationRow, 'service_id' | 'country' | 'to'>, target: Channel, magic: boolean): Promise<object | undefined> {
    return this.screen(ctx.accountId, row.service_id, [target], { to: row.to, country: row.country }, magic, ctx.ip);
  }

  /** What the timeline shows of how a start or a resend was judged. */
  summary(judged: object | undefined): object | undefined {
    return judged && this.d.screen ? this.d.screen.summary(judged) : undefined;
  }

  /** A screened start or resend went out as `verificationId`. */
  sent(judged: object | undefined, verificationId: string): void {
    if (judged) this.d.screen?.sent(judged, verificationId);
  }

  private async screen(accountId: string, serviceId: string | null, channels: Channel[], r: Pick<Recipient, 'to' | 'country' | 'numberType'>, magic: boolean, ip: string): Promise<object | undefined> {
    const { screen, prices } = this.d;
    if (!r.country || magic || !screen) return undefined;
    const price = () => prices.priceMicros(accountId, channels[0] as Channel, r.to);
    return screen.check({ accountId, serviceId, channels, to: r.to, country: r.country, ip, numberType: r.numberType, price });
  }
}
