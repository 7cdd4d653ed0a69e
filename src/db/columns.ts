import type { MessageTable, VerificationEventTable, VerificationTable } from './schema.js';

/**
 * The columns a prepared insert binds. Its placeholders are a proxy with no keys of its own, so
 * the insert has to name every column it writes: one list per table.
 */
export const VERIFICATION_COLUMNS: ReadonlyArray<keyof VerificationTable> = [
  'id',
  'account_id',
  'service_id',
  'channel',
  'to',
  'line_type',
  'country',
  'status',
  'code_hash',
  'code_sealed',
  'code_length',
  'locale',
  'template_id',
  'sender',
  'metadata',
  'magic',
  'attempts',
  'max_attempts',
  'sends',
  'max_sends',
  'resend_cooldown_s',
  'last_sent_at',
  'expires_at',
  'workflow',
  'step',
  'step_deadline',
  'call_number',
  'channel_data',
  'failure_reason',
  'failure_provider_error',
  'provider',
  'created_at',
  'updated_at',
];
export const MESSAGE_COLUMNS: ReadonlyArray<keyof MessageTable> = [
  'id',
  'verification_id',
  'account_id',
  'channel',
  'to',
  'locale',
  'payload_sealed',
  'status',
  'provider',
  'provider_message_id',
  'price_micros',
  'error',
  'attempts',
  'next_attempt_at',
  'step',
  'created_at',
  'updated_at',
];

export function placeholderRow<R>(p: R, columns: ReadonlyArray<keyof R>): R {
  return Object.fromEntries(columns.map((c) => [c, p[c]])) as R;
}
export const EVENT_COLUMNS: ReadonlyArray<keyof VerificationEventTable> = ['id', 'verification_id', 'at', 'type', 'data'];
