import { AppError } from '../errors/index.js';
import type { SilentResult } from '../silent/silent-resolver.js';
import { channelDataJson, parseChannelData } from './channel-data.js';
import { type FailureReason, silentFailure } from './failure-reason.js';
import type { VerificationServiceDeps } from './verification-deps.js';
import type { VerificationOutcomes } from './verification-outcomes.js';
import type { VerificationRow } from './verification-store.js';
import { effectiveStatus, type VerificationStatus } from './view.js';

export type SilentStepDeps = Pick<VerificationServiceDeps, 'store' | 'sealer' | 'clock' | 'silent' | 'silentCheckInUrl' | 'timeline'>;

/** Where a silent step that proved nothing goes: the workflow's next step, or failed. */
export interface FallThrough {
  fallThrough(row: VerificationRow, reason: FailureReason): Promise<VerificationStatus>;
}

/** A silent step: the network (or the device's operator) says whether the device holds the number. */
export class SilentStep {
  constructor(
    private readonly d: SilentStepDeps,
    private readonly outcomes: Pick<VerificationOutcomes, 'approve'>,
    private readonly steps: FallThrough,
  ) {}

  /** The network's answer about a silent step (now, or after the device's round trip to its operator). */
  async silentAnswer(verificationId: string, outcome: string): Promise<VerificationStatus> {
    const row = await this.d.store.byId(verificationId);
    if (row?.status !== 'pending' || row.channel !== 'silent') return (row?.status ?? 'failed') as VerificationStatus;
    // The network's answer is an observation of its own; what it leads to (approved, the next
    // step, failed) is written with the change it makes.
    await this.d.store.transaction((trx) => this.d.timeline.append(trx, [{ verificationId: row.id, type: 'silent.result', data: { outcome } }]));
    if (outcome === 'verified_online' || outcome === 'verified_offline') return (await this.outcomes.approve(row.id)) ? 'approved' : 'pending';
    return this.steps.fallThrough(row, silentFailure(outcome));
  }

  /**
   * The device opened its check-in URL over mobile data: its source address is the one to ask the
   * network about. Answers the status after that, or where the operator wants the device next.
   */
  async silentCheckIn(token: string, device: { ip: string; port: number | undefined }): Promise<{ verificationId: string; status: VerificationStatus; redirect?: string | undefined }> {
    const { d } = this;
    let id: string;
    try {
      id = d.sealer.open(token, 'silent-check-in');
    } catch {
      throw new AppError('INVALID_CALLBACK', 'the check-in link is not valid');
    }
    const row = await d.store.byId(id);
    const now = d.clock.now();
    if (row?.status !== 'pending' || row.channel !== 'silent' || row.expires_at <= now) return { verificationId: id, status: row ? effectiveStatus(row, now) : 'expired' };
    const data = parseChannelData(row.channel_data);
    // One check-in per step: a replayed link cannot swap the device for another.
    if (data.device) return { verificationId: id, status: 'pending', redirect: this.operatorRedirect(data.redirect) };
    const updated = { ...row, channel_data: channelDataJson({ ...data, device: { ...device, at: now } }) };
    await d.store.setChannelData(id, updated.channel_data ?? '{}', now);
    const status = await this.runSilent(updated);
    return { verificationId: id, status, redirect: status === 'pending' ? this.operatorRedirect(parseChannelData((await d.store.byId(id))?.channel_data ?? null).redirect) : undefined };
  }

  /** Asks the network about the step's device, or hands out the link the device checks in with. */
  async runSilent(row: VerificationRow): Promise<VerificationStatus> {
    const data = parseChannelData(row.channel_data);
    if (!data.device) {
      // The app could not say where the device is: the device itself checks in over its mobile data.
      // The sealed id is URL-safe as it is, and short enough for one path segment.
      const token = this.d.sealer.seal(row.id, 'silent-check-in');
      await this.d.store.setChannelData(row.id, channelDataJson({ ...data, redirect: this.d.silentCheckInUrl(token) }) ?? '{}', this.d.clock.now());
      return 'pending';
    }
    const result = await this.d.silent.resolve({ verificationId: row.id, accountId: row.account_id, msisdn: row.to, device: data.device }).catch((): SilentResult => ({ outcome: 'error' }));
    if ('redirect' in result) {
      await this.d.store.setChannelData(row.id, channelDataJson({ ...data, redirect: result.redirect }) ?? '{}', this.d.clock.now());
      return 'pending';
    }
    return this.silentAnswer(row.id, result.outcome);
  }

  /** Where an operator sends the device next (CAMARA); never the check-in link itself. */
  private operatorRedirect(url: string | undefined): string | undefined {
    return url && !url.startsWith(this.d.silentCheckInUrl('')) ? url : undefined;
  }
}
