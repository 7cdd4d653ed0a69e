import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Channel, Recipient } from '../kernel/channel.js';
import { enforce } from './rate-limits.js';
import { timeline } from './timeline.js';
import type { CallerContext, VerificationServiceDeps } from './verification-deps.js';
import type { VerificationRow } from './verification-store.js';

/**
 * What a start or a resend must pass before anything is sent: the destination screen (the safe
 * list, geo permissions, the pumping rules), then, for a start, the start limits. The screen
 * comes first, so a start it refuses does not use up the budget of the account's real users. A
 * start the pumping rules refuse is recorded as a `blocked` verification (failure reason
 * `fraud_suspected`) with the decision, and nothing is sent or charged. The sandbox's magic test
 * numbers never send and are not screened.
 */
export class Admission {
  constructor(private readonly d: Pick<VerificationServiceDeps, 'screen' | 'limiters' | 'prices' | 'store' | 'timeline'>) {}

  /** `row`: the start as it would be written; `steps`: the channels it may send on (a workflow's every step); `ip`: the end user's. What it returns goes to `written`. */
  async start(ctx: CallerContext, row: VerificationRow, steps: ReadonlyArray<{ channel: Channel }>, recipient: Recipient, magic: boolean, ip: string): Promise<object | undefined> {
    const channels = steps.map((s) => s.channel);
    const judged = await this.screen('start', ctx.accountId, row.service_id, channels, recipient, magic, ip);
    const refusal = judged && this.d.screen?.refusal(judged, row.id);
    if (judged && refusal) {
      const blocked: VerificationRow = { ...row, status: 'blocked', code_sealed: null, sends: 0, failure_reason: 'fraud_suspected' };
      await this.d.store.transaction(async (trx) => {
        await this.d.store.insert(trx, blocked);
        await this.d.timeline.append(trx, [timeline.blocked(row.id, 'start', row.channel, this.summary(judged))]);
        await this.written(trx, judged, row.id);
      });
      throw refusal;
    }
    await enforce(this.d.limiters.startPerIp, ctx.ip, 'RATE_LIMITED', 'too many verifications from this address');
    await enforce(this.d.limiters.startPerAccount, ctx.accountId, 'RATE_LIMITED', 'too many verifications for this account');
    return judged;
  }

  async resend(ctx: CallerContext, row: Pick<VerificationRow, 'id' | 'service_id' | 'country' | 'to'>, target: Channel, magic: boolean): Promise<object | undefined> {
    const judged = await this.screen('resend', ctx.accountId, row.service_id, [target], { to: row.to, country: row.country }, magic, ctx.ip);
    const refusal = judged && this.d.screen?.refusal(judged, row.id);
    if (judged && refusal) {
      await this.d.store.transaction(async (trx) => {
        await this.d.timeline.append(trx, [timeline.blocked(row.id, 'resend', target, this.summary(judged))]);
        await this.written(trx, judged, row.id);
      });
      throw refusal;
    }
    return judged;
  }

  /** What the timeline shows of how a start or a resend was judged. */
  summary(judged: object | undefined): object | undefined {
    return judged && this.d.screen ? this.d.screen.summary(judged) : undefined;
  }

  /** In the transaction that writes the screened start or resend as `verificationId`. */
  written(trx: Transaction<Database>, judged: object | undefined, verificationId: string): Promise<void> | undefined {
    return judged ? this.d.screen?.written(trx, judged, verificationId) : undefined;
  }

  private async screen(
    action: 'start' | 'resend',
    accountId: string,
    serviceId: string | null,
    channels: Channel[],
    r: Pick<Recipient, 'to' | 'country' | 'numberType'>,
    magic: boolean,
    ip: string,
  ): Promise<object | undefined> {
    const { screen, prices } = this.d;
    if (!r.country || magic || !screen) return undefined;
    const price = () => prices.priceMicros(accountId, channels[0] as Channel, r.to);
    return screen.check({ action, accountId, serviceId, channels, to: r.to, country: r.country, ip, numberType: r.numberType, price });
  }
}
