/** Verifications, their messages and delivery attempts, wrong guesses, and the webhooks that report them. Times are epoch milliseconds and flags 0/1 integers (see schema.ts). */

export interface VerificationTable {
  id: string;
  account_id: string;
  service_id: string | null;
  channel: string;
  to: string;
  line_type: string; // mobile | fixed | email
  country: string | null;
  status: string;
  code_hash: string;
  code_sealed: string | null; // AES-GCM, only while the code may still be re-sent
  code_length: number;
  locale: string;
  template_id: string | null;
  sender: string | null;
  metadata: string | null;
  magic: number;
  attempts: number;
  max_attempts: number;
  sends: number;
  max_sends: number;
  resend_cooldown_s: number;
  last_sent_at: number;
  expires_at: number;
  workflow: string | null; // JSON [{channel, timeout_s}], the steps after which a failure moves on
  step: number; // index of the workflow step under way
  step_deadline: number | null; // when the current step times out (pending verifications only)
  call_number: string | null; // reverse call: the pool number the user must call
  channel_data: string | null; // JSON: the silent step's device, the IVR's prompts
  failure_reason: string | null; // why it ended without approval (FailureReason); null while pending or approved
  failure_provider_error: string | null; // a delivery failure's provider error code
  provider: string | null; // the provider its first message was routed to (analytics); null when none was
  created_at: number;
  updated_at: number;
}

export interface MessageTable {
  id: string;
  verification_id: string;
  account_id: string;
  channel: string;
  to: string;
  locale: string;
  payload_sealed: string | null; // AES-GCM of the rendered message (it holds the code); dropped once sent
  status: string; // queued | sending | sent | delivered | failed | undeliverable
  provider: string | null;
  provider_message_id: string | null;
  price_micros: number;
  error: string | null;
  attempts: number; // hand-overs tried so far
  step: number; // the verification's workflow step this message was sent for
  next_attempt_at: number | null; // due time while queued; lease end while sending
  created_at: number;
  updated_at: number;
}

export interface MessageAttemptTable {
  id: string;
  message_id: string;
  seq: number;
  provider: string;
  result: string; // sent | delivered | undeliverable (from the send or a later receipt) | error
  provider_message_id: string | null;
  error: string | null;
  retryable: number | null;
  created_at: number;
}

/** One wrong code for a destination (see LIMIT_GUESS_PER_DESTINATION). */
export interface WrongGuessTable {
  account_id: string;
  destination: string; // the verification's `to`
  at: number;
}

export interface WebhookEndpointTable {
  id: string;
  account_id: string;
  service_id: string | null;
  url: string;
  secret_sealed: string;
  events: string | null; // JSON list of event types; null: every event
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  account_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: string; // queued | sending | succeeded | failed
  attempts: number;
  next_attempt_at: number | null;
  response_status: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** One entry of a verification's timeline (events/event-log.ts), written with the change it describes. */
export interface VerificationEventTable {
  /** Sorts in the order the entries were written (sequentialId). */
  id: string;
  verification_id: string;
  at: number;
  type: string;
  /** JSON: what happened, never a code, a secret or a full phone number. */
  data: string | null;
}

/** Bucket columns of a time histogram (see src/analytics/buckets.ts). */
type Buckets<P extends string, N extends number> = { [K in `${P}${N}`]: number };
type UpTo14 = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14;

/** Key of a verification rollup: counted in the hour or day (`grain` h | d) its verifications started. */
export interface VerificationRollupKey {
  account_id: string;
  grain: string;
  period: number;
  service_id: string; // '' for none
  channel: string; // the first step's
  country: string; // '' when unknown (email)
  provider: string; // '' when nothing was routed
}

export type VerificationRollupTable = VerificationRollupKey &
  Buckets<'approve_le', UpTo14 | 15> & {
    started: number;
    sent: number;
    delivered: number;
    approved: number;
    failed: number;
    expired: number;
    canceled: number;
    spend_micros: number;
  };

/** Key of a provider rollup: counted in the hour or day the provider answered. */
export interface ProviderRollupKey {
  account_id: string;
  grain: string;
  period: number;
  provider: string;
  channel: string;
}

export type ProviderRollupTable = ProviderRollupKey &
  Buckets<'receipt_b', UpTo14> & {
    sent: number;
    delivered: number;
    undeliverable: number;
    errors: number;
    failed: number;
    receipts: number;
  };

export interface ProviderErrorTable extends ProviderRollupKey {
  code: string;
  n: number;
}
