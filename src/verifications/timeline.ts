import type { TimelineEvent } from '../events/event-log.js';
import type { WorkflowStep } from '../services/workflow.js';
import type { VerificationRow } from './verification-store.js';

/** The timeline entries the verifications write, each in the transaction of its change (see EventLog). */
export const timeline = {
  /** `fraud`: how the destination screen judged it (the pumping rules' score and signals), if it did. */
  started: (row: VerificationRow, steps: readonly WorkflowStep[], fraud?: object): TimelineEvent => ({
    verificationId: row.id,
    type: 'started',
    data: { channel: row.channel, step: 0, service_id: row.service_id, ...(steps.length > 1 ? { workflow: steps.map((s) => s.channel) } : {}), ...(fraud ? { fraud } : {}) },
    subject: { accountId: row.account_id, createdAt: row.created_at, serviceId: row.service_id, channel: row.channel, country: row.country, provider: row.provider },
  }),
  resend: (id: string, channel: string, fraud?: object): TimelineEvent => ({ verificationId: id, type: 'resend', data: { channel, ...(fraud ? { fraud } : {}) } }),
  /** A start or a resend the fraud layer refused (`fraud`: its decision); a refused start is a `blocked` verification. */
  blocked: (id: string, action: 'start' | 'resend', channel: string, fraud?: object): TimelineEvent => ({
    verificationId: id,
    type: 'blocked',
    data: { action, channel, ...(fraud ? { fraud } : {}) },
  }),
  step: (row: VerificationRow, to: number, channel: string, why: 'failed' | 'timeout'): TimelineEvent => ({
    verificationId: row.id,
    type: 'step',
    data: { from: row.step, from_channel: row.channel, to, channel, why },
  }),
  /** How a verification ended: approved, canceled, expired, or failed with its reason (max_attempts, undeliverable, …). */
  ended: (id: string, status: string, reason?: string | null): TimelineEvent => {
    if (status === 'approved' || status === 'canceled' || status === 'expired') return { verificationId: id, type: status };
    return { verificationId: id, type: 'failed', data: { status, reason: reason ?? null } };
  },
};
