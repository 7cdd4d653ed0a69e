import type { ProviderError } from '../../../kernel/provider-errors.js';
import type { ProviderErrorCode } from '../../../kernel/provider-errors.js';
import { parseJsonObject } from '../../../lib/json.js';
import { twilioError, type TwilioCodes } from '../twilio-errors.js';

// Twilio's documented error codes (https://www.twilio.com/docs/api/errors) for creating a call that
// say more than the HTTP status does. Anything else falls back on the status: 429 and 5xx
// retryable, 4xx final.
// Whether each is worth a retry is the registry's word (provider-errors.ts).
const CODES: TwilioCodes = new Map<number, ProviderErrorCode>([
  [21211, 'INVALID_DESTINATION'], // Invalid 'To' phone number
  [21214, 'INVALID_DESTINATION'], // 'To' phone number cannot be reached
  [21217, 'INVALID_DESTINATION'], // Phone number does not appear to be valid
  // Voice geographic permissions do not allow this country, or the number is on a high-risk list.
  [21215, 'DESTINATION_NOT_ALLOWED'],
  [21216, 'DESTINATION_NOT_ALLOWED'],
  [21219, 'DESTINATION_NOT_ALLOWED'], // Trial account: 'To' is not a verified number
  [21210, 'INVALID_SENDER'], // 'From' is not a verified caller id of this account
  [21212, 'INVALID_SENDER'], // Invalid 'From' phone number
  [21213, 'INVALID_SENDER'], // 'From' phone number is required
  [20003, 'AUTH_FAILED'], // Authentication failed
  [20429, 'THROTTLED'], // Too many requests
  [20500, 'PROVIDER_UNAVAILABLE'], // Internal server error
  [20503, 'PROVIDER_UNAVAILABLE'], // Service unavailable
]);

/** Updating a call that has already ended: for a hangup, the call is over either way. */
export const CALL_NOT_IN_PROGRESS = 21220;

/** The ProviderError for a refused call API request (`what`: the call, the hangup). */
export function twilioCallError(httpStatus: number, twilioCode: number | undefined, what = 'the call'): ProviderError {
  return twilioError(httpStatus, twilioCode, CODES, what);
}

/** Twilio's error code from an error body `{code, message, more_info, status}`, if it has one. */
export function twilioCode(body: string): number | undefined {
  const code = parseJsonObject(body)?.code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}
