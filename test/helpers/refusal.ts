import { expect } from 'vitest';
import { ProviderError } from '../../src/kernel/provider-errors.js';

/** The ProviderError a send, a call or a callback was refused with; fails the test when it was not refused, or refused otherwise. */
export async function refusal(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('the request was expected to be refused');
}
