import { ProviderError } from '../../delivery/provider.js';

// The SMS API's `status` values (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms).
// Temporary: throttling, too many binds, an internal error. The rest will not change on a retry.
const STATUSES: ReadonlyMap<string, [code: string, retryable: boolean]> = new Map([
  ['1', ['THROTTLED', true]], // Throttled
  ['2', ['INVALID_REQUEST', false]], // Missing parameters
  ['3', ['INVALID_REQUEST', false]], // Invalid parameters
  ['4', ['AUTH_FAILED', false]], // Invalid credentials
  ['5', ['PROVIDER_UNAVAILABLE', true]], // Internal error
  ['6', ['INVALID_DESTINATION', false]], // Invalid message: e.g. an unrecognised number prefix
  ['7', ['DESTINATION_BARRED', false]], // Number barred
  ['8', ['ACCOUNT_BARRED', false]], // Partner account barred
  ['9', ['PROVIDER_QUOTA_EXCEEDED', false]], // Partner quota violation: no credit left
  ['10', ['THROTTLED', true]], // Too many existing binds
  ['11', ['AUTH_FAILED', false]], // Account not enabled for HTTP
  ['12', ['MESSAGE_TOO_LONG', false]], // Message too long
  ['14', ['AUTH_FAILED', false]], // Invalid signature
  ['15', ['INVALID_SENDER', false]], // Invalid sender address
  ['22', ['INVALID_REQUEST', false]], // Invalid network code
  ['23', ['INVALID_REQUEST', false]], // Invalid callback URL
  ['29', ['DESTINATION_NOT_ALLOWED', false]], // Non-whitelisted destination (demo account)
  ['32', ['AUTH_FAILED', false]], // Signature and API secret disallowed
  ['33', ['INVALID_DESTINATION', false]], // Number de-activated
]);

/**
 * The ProviderError for a refused message. Vonage's `error-text` is left out: it can quote the
 * number or the parameters.
 */
export function vonageStatusError(status: string): ProviderError {
  const [code, retryable] = STATUSES.get(status) ?? ['REJECTED', false];
  return new ProviderError(code, `vonage refused the message (status ${/^\d{1,4}$/.test(status) ? status : 'unknown'})`, retryable);
}

/** A refusal at the HTTP level, before any per-message status. */
export function vonageHttpError(httpStatus: number): ProviderError {
  const detail = `vonage answered HTTP ${httpStatus}`;
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail, true);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail, true);
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail, false);
  return new ProviderError('REJECTED', detail, false);
}
