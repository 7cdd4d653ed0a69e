import { describe, expect, it } from 'vitest';
import { ProviderError } from './provider-errors.js';
import { PROVIDER_ERRORS, type ProviderErrorCode } from './provider-errors.js';

describe('provider error codes', () => {
  it('take their retryability from the registry, so one code never means both', () => {
    for (const code of Object.keys(PROVIDER_ERRORS) as ProviderErrorCode[]) {
      expect(new ProviderError(code, 'x').retryable, code).toBe(PROVIDER_ERRORS[code].retryable);
    }
  });

  it('retry what was not refused (no answer, pacing, a fault on the provider’s side) and nothing that was', () => {
    const retried = (Object.keys(PROVIDER_ERRORS) as ProviderErrorCode[]).filter((c) => PROVIDER_ERRORS[c].retryable).sort();
    expect(retried).toEqual([
      'CIRCUIT_OPEN',
      'CONNECTION_FAILED',
      'CONNECTION_LOST',
      'PROVIDER_CLOSED',
      'PROVIDER_EXCEPTION',
      'PROVIDER_UNAVAILABLE',
      'SMSC_UNAVAILABLE',
      'SMTP_TEMPORARY',
      'THROTTLED',
      'TIMEOUT',
    ]);
  });
});
