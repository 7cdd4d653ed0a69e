import { ProviderError } from '../../kernel/provider-errors.js';
import type { ProviderErrorCode } from '../../kernel/provider-errors.js';

// Cloud API error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
// that say more than the HTTP status, which is 400 for most of them, rate limits included.
// Whether each is worth a retry is the registry's word (provider-errors.ts).
const CODES: ReadonlyMap<number, ProviderErrorCode> = new Map<number, ProviderErrorCode>([
  [1, 'PROVIDER_UNAVAILABLE'], // API unknown
  [2, 'PROVIDER_UNAVAILABLE'], // API service: downtime or overload
  [4, 'THROTTLED'], // Too many calls for the app
  [80007, 'THROTTLED'], // WhatsApp Business Account rate limit
  [130429, 'THROTTLED'], // Cloud API throughput reached
  [131048, 'THROTTLED'], // Spam rate limit
  [131056, 'THROTTLED'], // Too many messages to the same recipient
  [131000, 'PROVIDER_UNAVAILABLE'], // Something went wrong
  [131016, 'PROVIDER_UNAVAILABLE'], // Service unavailable
  [133004, 'PROVIDER_UNAVAILABLE'], // Server temporarily unavailable
  // Not on WhatsApp, terms not accepted, or an old client: another channel may still reach them.
  [131026, 'UNDELIVERABLE'],
  [131049, 'UNDELIVERABLE'], // Meta chose not to deliver
  [131030, 'RECIPIENT_NOT_ALLOWED'], // Test number: recipient not in the allowed list
  [131021, 'INVALID_DESTINATION'], // Recipient is the sender
  [131050, 'RECIPIENT_OPTED_OUT'],
  [100, 'INVALID_REQUEST'],
  [131008, 'INVALID_REQUEST'], // Required parameter missing
  [131009, 'INVALID_REQUEST'], // Parameter value not valid
  [131051, 'INVALID_REQUEST'], // Unsupported message type
  [132000, 'TEMPLATE_REJECTED'], // Parameter count mismatch
  [132001, 'TEMPLATE_REJECTED'], // Template does not exist in that language
  [132005, 'TEMPLATE_REJECTED'], // Translated text too long
  [132007, 'TEMPLATE_REJECTED'], // Format character policy violated
  [132012, 'TEMPLATE_REJECTED'], // Parameter format mismatch
  [132015, 'TEMPLATE_REJECTED'], // Template paused
  [132016, 'TEMPLATE_REJECTED'], // Template disabled
  [133010, 'INVALID_SENDER'], // Phone number not registered
  [0, 'AUTH_FAILED'],
  [3, 'AUTH_FAILED'], // Capability or permission
  [10, 'AUTH_FAILED'], // Permission denied
  [190, 'AUTH_FAILED'], // Access token expired
  [131005, 'AUTH_FAILED'], // Access denied
  [131031, 'ACCOUNT_BLOCKED'], // Business account locked
  [131042, 'ACCOUNT_BLOCKED'], // Payment problem
  [368, 'ACCOUNT_BLOCKED'], // Temporarily blocked for policy violations
]);

/**
 * The ProviderError for a refused call. Meta's message and error_data are left out: they can
 * quote the recipient.
 */
export function whatsappError(httpStatus: number, code: number | undefined): ProviderError {
  const detail = `whatsapp refused the message (HTTP ${httpStatus}${code !== undefined ? `, error ${code}` : ''})`;
  if (code !== undefined) {
    const known = CODES.get(code) ?? (code >= 200 && code <= 299 ? 'AUTH_FAILED' : undefined);
    if (known) return new ProviderError(known, detail);
  }
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail);
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail);
  return new ProviderError('REJECTED', detail);
}
