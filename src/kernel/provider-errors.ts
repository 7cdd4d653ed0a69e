/**
 * The one registry of the codes a provider's refusal carries, with whether the same message may
 * go through on a retry. The delivery path acts on `retryable`, never on a message's text; the
 * attempt log, the failure reason and the metrics show the code. A code is a stable contract, as
 * the API's error codes are: never renamed or reused.
 */
export const PROVIDER_ERRORS = {
  // Nothing was refused: the provider could not be reached or did not answer in time.
  TIMEOUT: { retryable: true, meaning: 'The provider did not answer within its time' },
  CONNECTION_FAILED: { retryable: true, meaning: 'The provider could not be reached' },
  CONNECTION_LOST: { retryable: true, meaning: 'The connection dropped before the provider answered' },
  PROVIDER_CLOSED: { retryable: true, meaning: 'The provider was shutting down' },
  PROVIDER_EXCEPTION: { retryable: true, meaning: 'The provider threw an unexpected error' },
  CIRCUIT_OPEN: { retryable: true, meaning: 'The provider’s circuit breaker is open after failures in a row' },
  // The provider said "not now".
  THROTTLED: { retryable: true, meaning: 'The provider is pacing or its queue is full' },
  PROVIDER_UNAVAILABLE: { retryable: true, meaning: 'The provider reported a fault on its side' },
  SMSC_UNAVAILABLE: { retryable: true, meaning: 'The SMSC reported a system error or a bad bind state' },
  SMTP_TEMPORARY: { retryable: true, meaning: 'The mail server deferred the message (4xx)' },
  // The provider said "no", and will say it again.
  ADDRESS_NOT_ALLOWED: { retryable: false, meaning: 'The provider’s address is one this server may not reach' },
  AUTH_FAILED: { retryable: false, meaning: 'The provider refused the credentials' },
  TLS_FAILED: { retryable: false, meaning: 'TLS with the provider failed' },
  INVALID_REQUEST: { retryable: false, meaning: 'The provider refused the request as malformed' },
  INVALID_DESTINATION: { retryable: false, meaning: 'The destination is not valid or not reachable on this channel' },
  INVALID_SENDER: { retryable: false, meaning: 'The sender id or caller id is not valid for this provider' },
  DESTINATION_NOT_ALLOWED: { retryable: false, meaning: 'The provider account may not send to this destination or region' },
  DESTINATION_BARRED: { retryable: false, meaning: 'The destination is barred' },
  RECIPIENT_NOT_ALLOWED: { retryable: false, meaning: 'The recipient is not on the provider account’s allowed list' },
  RECIPIENT_OPTED_OUT: { retryable: false, meaning: 'The recipient opted out of messages from this sender' },
  ACCOUNT_BARRED: { retryable: false, meaning: 'The provider account is barred' },
  ACCOUNT_BLOCKED: { retryable: false, meaning: 'The provider account is locked or blocked (policy, payment)' },
  PROVIDER_QUOTA_EXCEEDED: { retryable: false, meaning: 'The provider account has no credit or quota left' },
  MESSAGE_TOO_LONG: { retryable: false, meaning: 'The message is longer than the provider accepts' },
  TEMPLATE_REJECTED: { retryable: false, meaning: 'The provider refused the message template' },
  UNDELIVERABLE: { retryable: false, meaning: 'The provider will not deliver the message' },
  REJECTED: { retryable: false, meaning: 'The provider refused the message for a reason it did not name' },
  SUBMIT_REJECTED: { retryable: false, meaning: 'The SMSC refused submit_sm' },
  SMTP_REJECTED: { retryable: false, meaning: 'The mail server rejected the message (5xx)' },
  SMTP_ERROR: { retryable: false, meaning: 'The mail transport failed in a way it did not classify' },
  UNEXPECTED_RESPONSE: { retryable: false, meaning: 'The provider accepted, but its answer could not be read (sending again could deliver twice)' },
  NO_CALLER_ID: { retryable: false, meaning: 'The call needs a caller id and none is set' },
  SCRIPT_TOO_LONG: { retryable: false, meaning: 'The call script is longer than the provider accepts' },
  NOT_A_CALL: { retryable: false, meaning: 'A call provider was given a message that is not a call' },
  // Callbacks from the provider to Verity.
  BAD_SIGNATURE: { retryable: false, meaning: 'A callback does not carry the provider’s valid signature' },
  INVALID_CALLBACK: { retryable: false, meaning: 'A callback could not be read' },
} as const satisfies Record<string, { retryable: boolean; meaning: string }>;

export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;

/**
 * A provider's refusal. Its code comes from the one registry (provider-errors.ts), which says
 * whether it is `retryable`; the delivery path decides on that, never on the message text.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = PROVIDER_ERRORS[code].retryable;
  }
}
