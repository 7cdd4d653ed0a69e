// Times are integer milliseconds since the epoch and flags are 0/1 integers, so SQLite and
// PostgreSQL rows look the same to the code above the store.

export interface AccountTable {
  id: string;
  name: string;
  balance_micros: number;
  currency: string;
  postpaid: number;
  is_admin: number;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  account_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface PriceTable {
  account_id: string;
  channel: string;
  prefix: string; // E.164 digits without '+', '' matches everything
  price_micros: number;
}

export interface ServiceTable {
  id: string;
  account_id: string;
  name: string;
  brand: string | null;
  code_length: number | null;
  ttl_s: number | null;
  max_attempts: number | null;
  max_sends: number | null;
  resend_cooldown_s: number | null;
  channels: string | null; // JSON array of allowed channels; null = all
  workflow: string | null; // JSON [{channel, timeout_s}]: used when a start names no channel
  locale: string | null;
  webotp_domain: string | null;
  android_app_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface TemplateTable {
  id: string;
  account_id: string;
  name: string;
  channel: string;
  locale: string;
  body: string;
  subject: string | null;
  html: string | null;
  created_at: number;
  updated_at: number;
}

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

export interface AccountProviderTable {
  id: string;
  account_id: string;
  name: string;
  type: string;
  options: string; // JSON, secrets left out
  secrets_sealed: string | null; // AES-GCM of the JSON of the secret options
  created_at: number;
  updated_at: number;
}

export interface AccountRoutesTable {
  account_id: string;
  routes: string; // JSON list of rules, as ROUTES
  updated_at: number;
}

export interface OperatorRangeTable {
  account_id: string;
  cidr: string;
  created_at: number;
}

export interface OperatorSessionTable {
  account_id: string;
  session_id: string; // Acct-Session-Id
  msisdn: string; // E.164
  ip: string; // Framed-IP-Address, canonical text
  started_at: number;
  ended_at: number | null; // null while the session is up
  updated_at: number;
}

export interface CgnatMappingTable {
  account_id: string;
  public_ip: string;
  port_start: number;
  port_end: number;
  private_ip: string;
  started_at: number;
  ended_at: number | null;
}

export interface SpentTokenTable {
  jti: string;
  expires_at: number;
}

/** One wrong code for a destination (see LIMIT_GUESS_PER_DESTINATION). */
export interface WrongGuessTable {
  account_id: string;
  destination: string; // the verification's `to`
  at: number;
}

export interface SandboxMessageTable {
  id: string;
  account_id: string;
  message_id: string;
  verification_id: string;
  channel: string;
  to: string;
  text: string;
  subject: string | null;
  html: string | null;
  code: string;
  outcome: string;
  created_at: number;
}

export interface IdempotencyTable {
  account_id: string;
  key: string;
  request_hash: string;
  state: string; // pending | done
  status_code: number | null;
  response: string | null;
  created_at: number;
}

export interface CallTable {
  id: string;
  account_id: string;
  verification_id: string | null;
  message_id: string | null;
  direction: string; // outbound | inbound
  provider: string;
  provider_call_id: string;
  from: string;
  to: string;
  status: string; // ringing | answered | ended
  digits: string | null;
  disposition: string | null;
  created_at: number;
  updated_at: number;
}

export interface InboundNumberTable {
  account_id: string;
  number: string; // E.164; a flash-call CLI may end in X wildcards that the code fills
  purpose: string; // reverse_call | flash_call
  country: string; // ISO 3166 alpha-2 served, or '*'
  created_at: number;
}

export interface SoundTable {
  id: string;
  account_id: string;
  name: string;
  content_type: string; // audio/wav | audio/mpeg
  size: number;
  duration_ms: number;
  data: string; // base64
  created_at: number;
}

export interface SandboxCallTable {
  id: string;
  account_id: string;
  verification_id: string | null;
  message_id: string | null;
  direction: string; // outbound: rings the virtual phone; inbound: dialled by it
  channel: string | null;
  from: string;
  to: string;
  script: string; // JSON CallStep[]
  status: string; // ringing | answered | ended
  digits: string | null;
  disposition: string | null;
  created_at: number;
  updated_at: number;
}

export interface VendorCredentialTable {
  id: string;
  account_id: string;
  vendor: string; // claro | zadarma | smsc | messagecentral
  login: string; // key, login or customerId
  secret_sealed: string;
  secret_digest: string | null; // sha256 hex of vendor:secret, to find a credential by its secret
  settings: string | null; // JSON
  created_at: number;
}

/** The numeric verificationIds handed to Message Central clients (migration 0011). */
export interface MessageCentralNumberTable {
  account_id: string;
  number: string;
  verification_id: string;
  destination: string;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  prices: PriceTable;
  services: ServiceTable;
  templates: TemplateTable;
  verifications: VerificationTable;
  messages: MessageTable;
  message_attempts: MessageAttemptTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  account_providers: AccountProviderTable;
  account_routes: AccountRoutesTable;
  operator_ranges: OperatorRangeTable;
  operator_sessions: OperatorSessionTable;
  cgnat_mappings: CgnatMappingTable;
  spent_tokens: SpentTokenTable;
  wrong_guesses: WrongGuessTable;
  sandbox_messages: SandboxMessageTable;
  calls: CallTable;
  inbound_numbers: InboundNumberTable;
  sounds: SoundTable;
  sandbox_calls: SandboxCallTable;
  vendor_credentials: VendorCredentialTable;
  messagecentral_numbers: MessageCentralNumberTable;
  idempotency_keys: IdempotencyTable;
  meta: MetaTable;
}
