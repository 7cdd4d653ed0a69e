import { ProviderError } from '../../kernel/provider-errors.js';
import type { ProviderErrorCode } from '../../kernel/provider-errors.js';

// Twilio's documented error codes (https://www.twilio.com/docs/api/errors) that say more than the
// HTTP status does. Anything else falls back on the status: 429 and 5xx retryable, 4xx final.
// Whether each is worth a retry is the registry's word (provider-errors.ts).
const CODES: TwilioCodes = new Map<number, ProviderErrorCode>([
  [21211, 'INVALID_DESTINATION'], // Invalid 'To' phone number
  [21217, 'INVALID_DESTINATION'], // Phone number does not appear to be valid
  [21614, 'INVALID_DESTINATION'], // 'To' number is not a valid mobile number
  [21612, 'INVALID_DESTINATION'], // 'To' number is not currently reachable via SMS
  // The person replied STOP to this sender: final here, though another provider's sender may reach them.
  [21610, 'RECIPIENT_OPTED_OUT'],
  [21408, 'DESTINATION_NOT_ALLOWED'], // Sending to this region is not enabled on the account
  [21608, 'DESTINATION_NOT_ALLOWED'], // Trial account: the number is not verified
  [21212, 'INVALID_SENDER'], // Invalid 'From' number
  [21606, 'INVALID_SENDER'], // 'From' is not an SMS-capable number of this account
  [21659, 'INVALID_SENDER'], // 'From' is not a Twilio number
  [21617, 'MESSAGE_TOO_LONG'], // Body over 1600 characters
  [20003, 'AUTH_FAILED'], // Authentication failed
  [20429, 'THROTTLED'], // Too many requests
  [14107, 'THROTTLED'], // SMS send rate limit exceeded
  [21611, 'THROTTLED'], // The sender's queue of messages is full
  [20500, 'PROVIDER_UNAVAILABLE'], // Internal server error
  [20503, 'PROVIDER_UNAVAILABLE'], // Service unavailable
]);

/** Twilio error codes that say more than the HTTP status, as the provider error each is. */
export type TwilioCodes = ReadonlyMap<number, ProviderErrorCode>;

/**
 * The ProviderError for a refused API call (`what` was refused: the message, the call). Twilio's
 * own `message` is left out: it quotes the phone number ("The 'To' number +1555… is not valid").
 */
export function twilioError(httpStatus: number, twilioCode: number | undefined, codes: TwilioCodes = CODES, what = 'the message'): ProviderError {
  const detail = `twilio refused ${what} (HTTP ${httpStatus}${twilioCode !== undefined ? `, error ${twilioCode}` : ''})`;
  const known = twilioCode !== undefined ? codes.get(twilioCode) : undefined;
  if (known !== undefined) return new ProviderError(known, detail);
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail);
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail);
  return new ProviderError('REJECTED', detail);
}
