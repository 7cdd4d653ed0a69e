import { AppError } from '../errors/index.js';
import { channelFits, type Channel, type LineType } from '../kernel/channel.js';

export interface WorkflowStep {
  channel: Channel;
  timeout_s?: number | undefined;
}

/**
 * The steps a verification runs: the request's workflow, or its single channel, or the service's
 * default workflow. Exactly one of channel and workflow may be given.
 */
export function plannedSteps(channel: Channel | undefined, workflow: WorkflowStep[] | undefined, serviceDefault: WorkflowStep[] | null): WorkflowStep[] {
  if (channel && workflow) throw new AppError('VALIDATION_FAILED', 'give channel or workflow, not both');
  if (workflow) return workflow;
  if (channel) return [{ channel }];
  if (serviceDefault) return serviceDefault;
  throw new AppError('VALIDATION_FAILED', 'channel or workflow is required (the service has no default workflow)');
}

/** Every step must reach the destination the first step was normalized for. */
export function checkSteps(steps: WorkflowStep[], lineType: LineType, allowed: ReadonlySet<Channel> | null): void {
  for (const s of steps) {
    if (allowed && !allowed.has(s.channel)) throw new AppError('CHANNEL_NOT_ALLOWED', `the service allows ${[...allowed].join(', ')}`);
    if (!channelFits(s.channel, lineType)) throw new AppError('CHANNEL_MISMATCH', `this destination cannot be reached on ${s.channel}`);
  }
}

/** When the step at `index` times out: only if it has a timeout and a step after it. */
export function stepDeadline(steps: readonly WorkflowStep[] | null, index: number, now: number): number | null {
  const step = steps?.[index];
  if (!steps || !step?.timeout_s || index + 1 >= steps.length) return null;
  return now + step.timeout_s * 1000;
}

export function parseWorkflow(json: string | null): WorkflowStep[] | null {
  return json ? (JSON.parse(json) as WorkflowStep[]) : null;
}
