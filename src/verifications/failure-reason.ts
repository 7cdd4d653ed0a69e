import { isCallChannel } from '../kernel/channel.js';

/**
 * Why a verification ended without approval, as `failure_reason` shows it: a small, stable list
 * made of what Verity itself can tell. Stored with the verification in the write that ends it.
 *
 * - `max_attempts`: its wrong codes used up its attempts
 * - `guess_limit`: its wrong code used up the destination's guess budget (status `blocked`)
 * - `expired`, `canceled`
 * - `undeliverable`: a delivery receipt (or the sandbox) said the message or call cannot arrive
 * - `provider_rejected`: no provider took the message (refused for good, or every retry refused)
 * - `no_answer`: a call rang out, was busy, declined or canceled before anyone answered
 * - `call_failed`: the network could not connect a call
 * - `ivr_no_key`: the IVR call was answered and ended without a key; `ivr_declined`: a key other than 1
 * - `silent_no_match`: the network says another number held that address; `silent_outside_ranges`:
 *   the address is not the operator's; `silent_error`: the operator could not be asked
 * - `fraud_suspected`: the pumping rules refused the start (status `blocked`; nothing was sent)
 */
export const FAILURE_REASONS = [
  'max_attempts',
  'guess_limit',
  'expired',
  'canceled',
  'undeliverable',
  'provider_rejected',
  'no_answer',
  'call_failed',
  'ivr_no_key',
  'ivr_declined',
  'silent_no_match',
  'silent_outside_ranges',
  'silent_error',
  'fraud_suspected',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface Failure {
  reason: FailureReason;
  /** The provider's error code, for a delivery failure that has one. */
  providerError?: string | null | undefined;
}

/** How a message failed: the providers refused it, or it was taken and then could not arrive. */
export type DeliveryFailure = 'refused' | 'undeliverable';

// How the call channels record an unanswered call's end (see CallService): its disposition, upper-cased.
const UNANSWERED: ReadonlySet<string> = new Set(['NO_ANSWER', 'BUSY', 'REJECTED', 'CANCELED']);

/** Why a message's failure ended its verification, from the error its attempt log recorded. */
export function deliveryFailure(channel: string, how: DeliveryFailure, error: string | null): Failure {
  const providerError = providerErrorCode(error);
  if (how === 'refused') return { reason: 'provider_rejected', providerError };
  if (isCallChannel(channel) && error !== null) {
    if (UNANSWERED.has(error)) return { reason: 'no_answer', providerError };
    if (error === 'FAILED') return { reason: 'call_failed', providerError };
  }
  return { reason: 'undeliverable', providerError };
}

/**
 * An error code fit to show: a short token as providers give them (an SMPP or HTTP vendor code,
 * `INVALID_DESTINATION`, `30003`), never free text, and never a run of seven digits or more,
 * which could be a phone number. `UNDELIVERABLE` only says no code was given.
 */
export function providerErrorCode(error: string | null | undefined): string | null {
  if (!error || error === 'UNDELIVERABLE') return null;
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(error) && !/[0-9]{7}/.test(error) ? error : null;
}

/** A silent step's answer that did not prove the device. */
export function silentFailure(outcome: string): FailureReason {
  return outcome === 'no_match' ? 'silent_no_match' : outcome === 'outside_ranges' ? 'silent_outside_ranges' : 'silent_error';
}

/**
 * The `reason` that verification.failed events carried before `failure_reason`, still sent for
 * the receivers that read it (the Zadarma notifications among them).
 */
export function legacyReason(reason: FailureReason): string {
  switch (reason) {
    case 'guess_limit':
      return 'blocked';
    case 'ivr_declined':
      return 'ivr_other_key';
    case 'provider_rejected':
    case 'no_answer':
    case 'call_failed':
      return 'undeliverable';
    default:
      return reason;
  }
}
