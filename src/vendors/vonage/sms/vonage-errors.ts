import { ProviderError } from '../../../kernel/provider-errors.js';
import type { ProviderErrorCode } from '../../../kernel/provider-errors.js';

// The SMS API's `status` values (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms).
// Temporary: throttling, too many binds, an internal error. The rest will not change on a retry.
const STATUSES: ReadonlyMap<string, ProviderErrorCode> = new Map<string, ProviderErrorCode>([
  ['1', 'THROTTLED'], // Throttled
  ['2', 'INVALID_REQUEST'], // Missing parameters
  ['3', 'INVALID_REQUEST'], // Invalid parameters
  ['4', 'AUTH_FAILED'], // Invalid credentials
  ['5', 'PROVIDER_UNAVAILABLE'], // Internal error
  ['6', 'INVALID_DESTINATION'], // Invalid message: e.g. an unrecognised number prefix
  ['7', 'DESTINATION_BARRED'], // Number barred
  ['8', 'ACCOUNT_BARRED'], // Partner account barred
  ['9', 'PROVIDER_QUOTA_EXCEEDED'], // Partner quota violation: no credit left
  ['10', 'THROTTLED'], // Too many existing binds
  ['11', 'AUTH_FAILED'], // Account not enabled for HTTP
  ['12', 'MESSAGE_TOO_LONG'], // Message too long
  ['14', 'AUTH_FAILED'], // Invalid signature
  ['15', 'INVALID_SENDER'], // Invalid sender address
  ['22', 'INVALID_REQUEST'], // Invalid network code
  ['23', 'INVALID_REQUEST'], // Invalid callback URL
  ['29', 'DESTINATION_NOT_ALLOWED'], // Non-whitelisted destination (demo account)
  ['32', 'AUTH_FAILED'], // Signature and API secret disallowed
  ['33', 'INVALID_DESTINATION'], // Number de-activated
]);

/**
 * The ProviderError for a refused message. Vonage's `error-text` is left out: it can quote the
 * number or the parameters.
 */
export function vonageStatusError(status: string): ProviderError {
  const code = STATUSES.get(status) ?? 'REJECTED';
  return new ProviderError(code, `vonage refused the message (status ${/^\d{1,4}$/.test(status) ? status : 'unknown'})`);
}

/** A refusal at the HTTP level, before any per-message status. */
export function vonageHttpError(httpStatus: number): ProviderError {
  const detail = `vonage answered HTTP ${httpStatus}`;
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail);
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail);
  return new ProviderError('REJECTED', detail);
}
