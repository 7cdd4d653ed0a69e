import { newId } from '../../src/lib/ids.js';
import type { VerificationRow } from '../../src/verifications/verification-store.js';

/** A pending SMS verification row created at `at`, for tests that write rows straight to a store. */
export function verificationRow(accountId: string, at: number, over: Partial<VerificationRow> = {}): VerificationRow {
  return {
    id: newId('ver'),
    account_id: accountId,
    service_id: null,
    channel: 'sms',
    to: '+5511987654321',
    line_type: 'mobile',
    country: 'BR',
    status: 'pending',
    code_hash: 'h',
    code_sealed: 's',
    code_length: 6,
    locale: 'en',
    template_id: null,
    sender: null,
    metadata: null,
    magic: 0,
    attempts: 0,
    max_attempts: 5,
    sends: 1,
    max_sends: 3,
    resend_cooldown_s: 30,
    last_sent_at: at,
    expires_at: at + 600_000,
    workflow: null,
    step: 0,
    step_deadline: null,
    call_number: null,
    channel_data: null,
    failure_reason: null,
    failure_provider_error: null,
    provider: null,
    created_at: at,
    updated_at: at,
    ...over,
  };
}
