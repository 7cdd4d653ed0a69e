import type { MessageRow } from '../delivery/outbox.js';
import type { DeliveryListener } from '../delivery/outbox-worker.js';
import type { DeliveryOutcome } from '../kernel/message.js';
import { type DeliveryFailure, deliveryFailure } from './failure-reason.js';
import type { VerificationServiceDeps } from './verification-deps.js';
import type { VerificationOutcomes } from './verification-outcomes.js';
import type { WorkflowStepper } from './workflow-stepper.js';

function messageData(m: MessageRow): Record<string, unknown> {
  return { id: m.id, verification_id: m.verification_id, channel: m.channel, to: m.to, status: m.status, provider: m.provider, provider_message_id: m.provider_message_id, error: m.error };
}

/** What the delivery worker's news means for a verification: a webhook, the next step, or its end. */
export class VerificationDeliveryListener implements DeliveryListener {
  constructor(
    private readonly d: Pick<VerificationServiceDeps, 'store' | 'clock'>,
    private readonly outcomes: Pick<VerificationOutcomes, 'fail' | 'notifyMessage'>,
    private readonly steps: Pick<WorkflowStepper, 'advance'>,
  ) {}

  async isLive(message: MessageRow): Promise<boolean> {
    const row = await this.d.store.byId(message.verification_id);
    return row !== undefined && row.status === 'pending' && row.expires_at > this.d.clock.now();
  }

  async onSent(message: MessageRow, status: DeliveryOutcome): Promise<void> {
    const row = await this.d.store.byId(message.verification_id);
    if (row) this.outcomes.notifyMessage(status === 'delivered' ? 'message.delivered' : 'message.sent', row, { ...messageData(message), status });
  }

  async onFailed(message: MessageRow, error: string, how: DeliveryFailure): Promise<void> {
    const row = await this.d.store.byId(message.verification_id);
    if (row) this.outcomes.notifyMessage('message.failed', row, { ...messageData(message), status: 'failed', error });
    // A failed step moves the workflow on; only the last step's failure (or a stale one) ends it.
    if (row && message.step !== row.step) return;
    if (row && (await this.steps.advance(row, 'failed'))) return;
    // A message that cannot arrive ends its verification (once, whoever gets there first).
    await this.outcomes.fail(message.verification_id, deliveryFailure(message.channel, how, error), message.channel);
  }
}
