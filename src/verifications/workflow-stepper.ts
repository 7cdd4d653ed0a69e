import { AppError } from '../errors/index.js';
import type { Locale } from '../templates/index.js';
import type { FailureReason } from './failure-reason.js';
import type { MessagePlanner } from './message-planner.js';
import type { VerificationServiceDeps } from './verification-deps.js';
import type { VerificationOutcomes } from './verification-outcomes.js';
import type { VerificationRow } from './verification-store.js';
import { timeline } from './timeline.js';
import type { VerificationStatus } from './view.js';
import { parseWorkflow, stepDeadline, type WorkflowStep } from '../services/workflow.js';

/** Thrown inside a workflow move that another request or instance made first. */
const LOST_RACE = new Error('the verification moved on');

export type WorkflowStepperDeps = Pick<VerificationServiceDeps, 'store' | 'settings' | 'sealer' | 'clock' | 'log' | 'timeline'>;

/** Moves a workflow to its next step when a step fails or times out, with the same code. */
export class WorkflowStepper {
  constructor(
    private readonly d: WorkflowStepperDeps,
    private readonly planner: Pick<MessagePlanner, 'send' | 'templateFor'>,
    private readonly outcomes: Pick<VerificationOutcomes, 'fail'>,
  ) {}

  /** Moves every verification whose current step timed out to its next step. */
  async sweepSteps(): Promise<number> {
    let moved = 0;
    const now = this.d.clock.now();
    for (const row of await this.d.store.dueSteps(now)) {
      const outcome = await this.nextStep(row, 'timeout');
      if (outcome === 'moved') moved += 1;
      // No later step can start: the code already sent stays good until it expires, and the
      // stepper stops coming back for it every second.
      else if (outcome === 'nowhere') await this.d.store.stopStepClock(row.id, row.step, now);
    }
    return moved;
  }

  /**
   * Starts the first step after `row.step` that can start, with the same code, unless somebody
   * moved the verification first. A step refused before anything is sent (no provider for its
   * channel, a balance that cannot cover it) is skipped. Returns whether it moved.
   */
  async advance(row: VerificationRow, why: 'failed' | 'timeout'): Promise<boolean> {
    return (await this.nextStep(row, why)) === 'moved';
  }

  /** A step that did not prove anything (a silent no-match or an operator that could not answer): the next step, or failed. */
  async fallThrough(row: VerificationRow, reason: FailureReason): Promise<VerificationStatus> {
    if (await this.advance(row, 'failed')) return ((await this.d.store.byId(row.id))?.status ?? 'pending') as VerificationStatus;
    return (await this.outcomes.fail(row.id, reason)) ? 'failed' : (((await this.d.store.byId(row.id))?.status ?? 'failed') as VerificationStatus);
  }

  /**
   * What `advance` does, and why it did not move: somebody else moved it first (`raced`), no
   * later step can start (`nowhere`), or an error a later try may not meet (`failed`).
   */
  private async nextStep(row: VerificationRow, why: 'failed' | 'timeout'): Promise<'moved' | 'raced' | 'nowhere' | 'failed'> {
    const { d } = this;
    const steps = parseWorkflow(row.workflow);
    const now = d.clock.now();
    if (!steps || row.status !== 'pending' || row.expires_at <= now || !row.code_sealed) return 'nowhere';
    const code = d.sealer.open(row.code_sealed, row.id);
    const settings = await d.settings.resolveOrDefault(row.account_id, row.service_id);
    for (let next = row.step + 1; next < steps.length; next++) {
      const step = steps[next] as WorkflowStep;
      try {
        const template = await this.planner.templateFor(row.account_id, null, step.channel, row.locale as Locale, false);
        await this.planner.send(
          row,
          step.channel,
          template,
          settings,
          code,
          async (trx) => {
            if (!(await d.store.moveStep(trx, row.id, row.step, next, step.channel, stepDeadline(steps, next, now), now))) throw LOST_RACE;
            await d.timeline.append(trx, [timeline.step(row, next, step.channel, why)]);
          },
          next,
        );
        return 'moved';
      } catch (err) {
        if (err === LOST_RACE) return 'raced';
        const refused = err instanceof AppError;
        d.log?.warn(
          { verification_id: row.id, after: why, step: next, channel: step.channel, err: refused ? err.code : 'ERROR' },
          refused ? 'workflow step refused, trying the next' : 'workflow step could not start',
        );
        // Anything but a refusal (a database error) may pass: the stepper comes back for it.
        if (!refused) return 'failed';
      }
    }
    return 'nowhere';
  }
}
