import { AppError } from '../../errors/index.js';
import type { Clock } from '../../lib/clock.js';
import type { Assessment, PumpingEngine, PumpingInput } from './engine.js';

export type FraudMode = 'off' | 'shadow' | 'enforce';

/** Channels whose sends cost money: the ones the pumping rules judge. */
export const PAID_CHANNELS: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call']);

/** A start that was judged, to be counted once it has gone out (or at once, if refused). */
export interface Judged {
  input: PumpingInput;
  assessed: Assessment;
  mode: FraudMode;
  threshold: number;
}

export interface GuardCounter {
  fraudDecision(outcome: 'allowed' | 'refused' | 'shadow_refused', reason: string): void;
}

/**
 * The pumping rules on the start path: scores a start to a paid channel (see engine.ts) and, in
 * `enforce`, refuses it at FRAUD_THRESHOLD with FRAUD_SUSPECTED; in `shadow` the same decision is
 * counted and nothing is refused. The engine learns every judged start, and which were approved.
 */
export class PumpingGuard {
  constructor(
    private readonly engine: PumpingEngine,
    /** The account's mode and threshold: its own, else the server's. */
    private readonly settingsOf: (accountId: string) => Promise<{ mode: FraudMode; threshold: number }>,
    private readonly clock: Clock,
    private readonly countryApprovals: (accountId: string, country: string) => Promise<number>,
    private readonly metrics: GuardCounter,
  ) {}

  /** Judges a start; undefined when the rules are off or the channels cost nothing. Refuses (throws) in enforce. */
  async judge(accountId: string, channels: readonly string[], to: string, country: string, ip: string, numberType: string | undefined, price: () => Promise<number>): Promise<Judged | undefined> {
    if (!channels.some((c) => PAID_CHANNELS.has(c))) return undefined;
    const { mode, threshold } = await this.settingsOf(accountId);
    if (mode === 'off') return undefined;
    const input: PumpingInput = { accountId, to, country, ip, numberType, priceMicros: await price(), now: this.clock.now(), countryApprovals: await this.countryApprovals(accountId, country) };
    const assessed = this.engine.assess(input);
    const top = assessed.reasons[0]?.signal ?? 'none';
    if (assessed.score < threshold) {
      this.metrics.fraudDecision('allowed', top);
      return { input, assessed, mode, threshold };
    }
    if (mode === 'shadow') {
      this.metrics.fraudDecision('shadow_refused', top);
      return { input, assessed, mode, threshold };
    }
    this.metrics.fraudDecision('refused', top);
    this.engine.record(input, assessed, undefined);
    throw new AppError('FRAUD_SUSPECTED', `the start scored ${assessed.score} of 100 for SMS pumping (threshold ${threshold}); nothing was sent or charged`, {
      score: assessed.score,
      signals: assessed.reasons.map((r) => r.signal),
    });
  }

  /** The score, the mode it was judged in and each signal's points, for the timeline. */
  summary(judged: Judged): object {
    return { mode: judged.mode, score: judged.assessed.score, threshold: judged.threshold, signals: judged.assessed.reasons.map((r) => ({ signal: r.signal, points: r.points })) };
  }

  /** A judged start that went out as `verificationId`. */
  sent(judged: Judged, verificationId: string): void {
    this.engine.record(judged.input, judged.assessed, { verificationId });
  }

  approved(verificationId: string, at: number): void {
    this.engine.approved(verificationId, at);
  }
}
