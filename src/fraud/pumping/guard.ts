import type { Transaction } from 'kysely';
import { afterCommit } from '../../db/commit-hooks.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/index.js';
import type { EventSink } from '../../events/webhook-events.js';
import type { ScreenInput } from '../../kernel/screen.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { DecisionLog } from '../decisions.js';
import type { ActiveBlock, PrefixBlocks } from './blocks.js';
import { type Assessment, explained, type PumpingEngine, type PumpingInput } from './engine.js';

export type FraudMode = 'off' | 'shadow' | 'enforce';
export type Outcome = 'allowed' | 'refused' | 'shadow_refused';

/** Channels whose sends cost money: the ones the pumping rules judge. */
export const PAID_CHANNELS: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call']);

/** A judged start or resend: what was decided and why, until it is written. */
export interface Judged {
  readonly id: string;
  readonly screen: ScreenInput;
  readonly input: PumpingInput;
  readonly assessed: Assessment;
  readonly mode: FraudMode;
  readonly threshold: number;
  readonly outcome: Outcome;
  /** The signal that weighed most, `prefix_blocked`, or `none`. */
  readonly reason: string;
  readonly block: ActiveBlock | undefined;
}

export interface GuardCounter {
  fraudDecision(outcome: Outcome, reason: string): void;
}

export interface GuardParts {
  engine: PumpingEngine;
  /** The mode and threshold for a start: the service's own, else the account's, else the server's. */
  settingsOf: (accountId: string, serviceId: string | null) => { mode: FraudMode; threshold: number } | Promise<{ mode: FraudMode; threshold: number }>;
  clock: Clock;
  countryApprovals: (accountId: string, country: string) => number | Promise<number>;
  metrics: GuardCounter;
  blocks: PrefixBlocks;
  decisions: DecisionLog;
  sink: EventSink | undefined;
  /** A keyed hash: addresses and numbers are counted (and shared between instances) as these. */
  hash: (value: string) => string;
}

/**
 * The pumping rules on the start and resend path. A destination in a blocked prefix is refused
 * at once; any other is scored (see engine.ts) and refused at the threshold. In `enforce` a
 * refusal stops the start (FRAUD_SUSPECTED: recorded as a blocked verification, nothing sent,
 * nothing charged); in `shadow` the same decision is recorded and the start goes on. Refusals
 * that keep coming into one prefix block it (blocks.ts). The engine learns every judged start,
 * and which were approved.
 */
export class PumpingGuard {
  constructor(private readonly p: GuardParts) {}

  /** Judges a start or a resend; undefined when the rules are off or its channels cost nothing. */
  async judge(s: ScreenInput): Promise<Judged | undefined> {
    const { p } = this;
    if (!s.channels.some((c) => PAID_CHANNELS.has(c))) return undefined;
    // Each read is usually held by this instance: then nothing waits on a promise.
    const settings = p.settingsOf(s.accountId, s.serviceId);
    const { mode, threshold } = settings instanceof Promise ? await settings : settings;
    if (mode === 'off') return undefined;
    const now = p.clock.now();
    const approvals = p.countryApprovals(s.accountId, s.country);
    const matching = p.blocks.matching(s.accountId, s.to, now);
    const price = s.price();
    // Awaited together when any must be, so none is left rejected without a handler.
    const [countryApprovals, blocked, priceMicros] =
      approvals instanceof Promise || matching instanceof Promise || price instanceof Promise ? await Promise.all([approvals, matching, price]) : [approvals, matching, price];
    // A block set in shadow mode stays a shadow one: it never refuses, whatever the mode is now.
    const block = blocked && (blocked.mode === 'enforce' || mode === 'shadow') ? blocked : undefined;
    const input: PumpingInput = { accountId: s.accountId, to: s.to, toKey: p.hash(s.to), country: s.country, ip: p.hash(s.ip), numberType: s.numberType, priceMicros, now, countryApprovals };
    const assessed = p.engine.assess(input);
    const over = block !== undefined || assessed.score >= threshold;
    const outcome: Outcome = !over ? 'allowed' : mode === 'enforce' ? 'refused' : 'shadow_refused';
    const reason = block ? 'prefix_blocked' : (assessed.reasons[0]?.signal ?? 'none');
    p.metrics.fraudDecision(outcome, reason);
    if (outcome === 'refused') p.engine.record(input, assessed, false);
    // Refusals that keep coming into one prefix block it whole.
    if (over && !blocked) await p.blocks.refused(s.accountId, assessed.prefix, s.country, mode, assessed.reasons, now);
    return { id: over ? newId('fdc') : '', screen: s, input, assessed, mode, threshold, outcome, reason, block };
  }

  /** The error a refused start or resend answers with; undefined when it may go on. */
  refusal(j: Judged, verificationId: string): AppError | undefined {
    if (j.outcome !== 'refused') return undefined;
    const why = j.block
      ? `the destination is in ${j.block.prefix}, blocked for SMS pumping until ${new Date(j.block.expiresAt).toISOString()}`
      : `the ${j.screen.action} scored ${j.assessed.score} of 100 for SMS pumping (threshold ${j.threshold})`;
    return new AppError('FRAUD_SUSPECTED', `${why}; nothing was sent or charged`, {
      verification_id: verificationId,
      decision_id: j.id,
      score: j.assessed.score,
      signals: j.block ? ['prefix_blocked'] : j.assessed.reasons.map((r) => r.signal),
      ...(j.block ? { block_id: j.block.id } : {}),
    });
  }

  /** What the timeline shows of a decision: the score, the mode it was made in and each signal's points and measure. */
  summary(j: Judged): object {
    return {
      outcome: j.outcome,
      mode: j.mode,
      score: j.assessed.score,
      threshold: j.threshold,
      prefix: j.block?.prefix ?? j.assessed.prefix,
      ...(j.block ? { block_id: j.block.id } : {}),
      ...(j.outcome === 'allowed' ? {} : { decision_id: j.id }),
      // What each signal measured, for the decisions that refused (or would have); points alone for the others.
      signals: j.outcome === 'allowed' ? j.assessed.reasons.map((r) => ({ signal: r.signal, points: r.points })) : explained(j.assessed.reasons),
    };
  }

  /**
   * In the transaction that wrote the start, the resend or the blocked verification: a refusal
   * (or a shadow one) goes to the decision log; once it commits, the engine learns a send that
   * went out, and a refusal is announced (`fraud.blocked`).
   */
  written(trx: Transaction<Database>, j: Judged, verificationId: string): Promise<void> | undefined {
    const { p } = this;
    afterCommit(trx, () => {
      if (j.outcome !== 'refused') p.engine.record(j.input, j.assessed, true);
      else
        p.sink?.emit({
          type: 'fraud.blocked',
          accountId: j.screen.accountId,
          serviceId: j.screen.serviceId,
          data: { verification_id: verificationId, ...this.summary(j), action: j.screen.action, reason: j.reason, country: j.screen.country, channel: j.screen.channels[0] },
        });
    });
    // An allowed start writes nothing here: no promise to wait on in the start's transaction.
    if (j.outcome === 'allowed') return undefined;
    const s = j.screen;
    return p.decisions.record(trx, {
      id: j.id,
      account_id: s.accountId,
      service_id: s.serviceId,
      verification_id: verificationId,
      action: s.action,
      outcome: j.outcome,
      reason: j.reason,
      mode: j.mode,
      score: j.assessed.score,
      threshold: j.threshold,
      channel: s.channels[0] ?? '',
      country: s.country,
      prefix: j.block?.prefix ?? j.assessed.prefix,
      block_id: j.block?.id ?? null,
      signals: JSON.stringify(explained(j.assessed.reasons)),
      created_at: j.input.now,
    });
  }

  /** A verification of the account to `to` (E.164) was approved: its destination converts. */
  approved(accountId: string, to: string, country: string, at: number): void {
    this.p.engine.approved(accountId, to, country, this.p.hash(to), at);
  }
}
