import { parseChannelData } from './channel-data.js';
import type { FailureReason } from './failure-reason.js';
import { shownDestination } from './pseudonym.js';
import type { VerificationRow } from './verification-store.js';

export const VERIFICATION_STATUSES = ['pending', 'approved', 'canceled', 'expired', 'max_attempts', 'failed', 'blocked'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export interface VerificationView {
  id: string;
  service_id: string | null;
  to: string;
  channel: string;
  status: VerificationStatus;
  locale: string;
  country: string | null;
  line_type: string;
  attempts: number;
  max_attempts: number;
  sends: number;
  max_sends: number;
  next_send_at: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown> | null;
  call_to: string | null;
  redirect_url: string | null;
  failure_reason: FailureReason | null;
  failure_provider_error: string | null;
}

/** The status a reader sees: a pending row past its expiry reads as expired without waiting for the sweeper. */
export function effectiveStatus(row: Pick<VerificationRow, 'status' | 'expires_at'>, now: number): VerificationStatus {
  return (row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status) as VerificationStatus;
}

export function toView(row: VerificationRow, now: number): VerificationView {
  const status = effectiveStatus(row, now);
  const nextSend = row.last_sent_at + row.resend_cooldown_s * 1000;
  const ended = status !== 'pending' && status !== 'approved';
  return {
    id: row.id,
    service_id: row.service_id,
    to: shownDestination(row.to),
    channel: row.channel,
    status,
    locale: row.locale,
    country: row.country,
    line_type: row.line_type,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    sends: row.sends,
    max_sends: row.max_sends,
    next_send_at: status === 'pending' && row.sends < row.max_sends ? new Date(Math.max(nextSend, now)).toISOString() : null,
    expires_at: new Date(row.expires_at).toISOString(),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    call_to: row.channel === 'reverse_call' ? row.call_number : null,
    redirect_url: row.channel === 'silent' && status === 'pending' ? (parseChannelData(row.channel_data).redirect ?? null) : null,
    // A pending row past its expiry reads as expired before anything wrote that down.
    failure_reason: ended ? (status === 'expired' ? 'expired' : (row.failure_reason as FailureReason | null)) : null,
    failure_provider_error: ended ? row.failure_provider_error : null,
  };
}
