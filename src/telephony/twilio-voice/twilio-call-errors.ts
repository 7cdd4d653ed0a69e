import { ProviderError } from '../../delivery/provider.js';

// Twilio's documented error codes (https://www.twilio.com/docs/api/errors) for creating a call that
// say more than the HTTP status does. Anything else falls back on the status: 429 and 5xx
// retryable, 4xx final.
const PERMANENT: ReadonlyMap<number, string> = new Map([
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
]);

const RETRYABLE: ReadonlyMap<number, string> = new Map([
  [20429, 'THROTTLED'], // Too many requests
  [20500, 'PROVIDER_UNAVAILABLE'], // Internal server error
  [20503, 'PROVIDER_UNAVAILABLE'], // Service unavailable
]);

/** Updating a call that has already ended: for a hangup, the call is over either way. */
export const CALL_NOT_IN_PROGRESS = 21220;

/**
 * The ProviderError for a refused API call. Twilio's own `message` is left out: it quotes the
 * phone number ("The phone number you are attempting to call, +1555…, is not valid").
 */
export function twilioCallError(httpStatus: number, twilioCode: number | undefined, what = 'the call'): ProviderError {
  const detail = `twilio refused ${what} (HTTP ${httpStatus}${twilioCode !== undefined ? `, error ${twilioCode}` : ''})`;
  const known = twilioCode !== undefined ? (PERMANENT.get(twilioCode) ?? RETRYABLE.get(twilioCode)) : undefined;
  if (known !== undefined) return new ProviderError(known, detail, RETRYABLE.has(twilioCode ?? 0));
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail, true);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail, true);
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail, false);
  return new ProviderError('REJECTED', detail, false);
}

/** Twilio's error code from an error body `{code, message, more_info, status}`, if it has one. */
export function twilioCode(body: string): number | undefined {
  try {
    const v: unknown = JSON.parse(body);
    const code = typeof v === 'object' && v !== null ? (v as { code?: unknown }).code : undefined;
    return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
