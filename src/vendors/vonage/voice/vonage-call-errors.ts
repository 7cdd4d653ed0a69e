import { ProviderError } from '../../../kernel/provider-errors.js';

/**
 * The ProviderError for a refused Voice API request. Vonage's problem body (`title`, `detail`,
 * `invalid_parameters`) is left out: it can quote the number.
 */
export function vonageCallError(httpStatus: number, what = 'the call'): ProviderError {
  const detail = `vonage refused ${what} (HTTP ${httpStatus})`;
  if (httpStatus === 429) return new ProviderError('THROTTLED', detail);
  if (httpStatus >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail);
  // A bad or revoked key, or an application without voice: a retry signs the same way.
  if (httpStatus === 401 || httpStatus === 403) return new ProviderError('AUTH_FAILED', detail);
  // Out of credit: calls stay refused until somebody tops the account up.
  if (httpStatus === 402) return new ProviderError('PROVIDER_QUOTA_EXCEEDED', detail);
  if (httpStatus === 400 || httpStatus === 422) return new ProviderError('INVALID_REQUEST', detail);
  return new ProviderError('REJECTED', detail);
}
