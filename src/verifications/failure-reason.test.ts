import { describe, expect, it } from 'vitest';
import { deliveryFailure, legacyReason, providerErrorCode } from './failure-reason.js';

describe('failure reasons', () => {
  it('keeps a provider’s error code as recorded, and never free text or what could be a phone number', () => {
    for (const code of ['INVALID_DESTINATION', '088', '30003', '131026', 'ESME_RINVDSTADR', 'BUSY']) expect(providerErrorCode(code)).toBe(code);
    for (const text of ['SMSC refused submit_sm: ESME_RTHROTTLED (0x58)', '5511987654321', 'x+5511987654321', '', 'UNDELIVERABLE', null, undefined, 'A'.repeat(65)]) {
      expect(providerErrorCode(text)).toBeNull();
    }
  });

  it('tells a refusal from a failed delivery, and an unanswered call from a failed one', () => {
    expect(deliveryFailure('sms', 'refused', 'INVALID_DESTINATION')).toEqual({ reason: 'provider_rejected', providerError: 'INVALID_DESTINATION' });
    expect(deliveryFailure('sms', 'undeliverable', 'EXPIRED')).toEqual({ reason: 'undeliverable', providerError: 'EXPIRED' });
    // An SMS receipt's code is never read as a call's disposition.
    expect(deliveryFailure('sms', 'undeliverable', 'BUSY')).toEqual({ reason: 'undeliverable', providerError: 'BUSY' });
    for (const d of ['NO_ANSWER', 'BUSY', 'REJECTED', 'CANCELED']) expect(deliveryFailure('ivr', 'undeliverable', d).reason).toBe('no_answer');
    expect(deliveryFailure('flash_call', 'undeliverable', 'FAILED')).toEqual({ reason: 'call_failed', providerError: 'FAILED' });
    expect(deliveryFailure('voice', 'refused', 'NO_CALLER_ID').reason).toBe('provider_rejected');
  });

  it('keeps the reason verification.failed events carried before', () => {
    expect([legacyReason('ivr_declined'), legacyReason('guess_limit'), legacyReason('no_answer'), legacyReason('ivr_no_key'), legacyReason('silent_no_match')]).toEqual([
      'ivr_other_key',
      'blocked',
      'undeliverable',
      'ivr_no_key',
      'silent_no_match',
    ]);
  });
});
