import type { CallbackRequest } from '../kernel/message.js';
import type { ProviderContext } from '../delivery/provider.js';
import type { AddressedAdapterDefinition } from '../kernel/adapter.js';
import type { CallStep } from '../kernel/call-plan.js';

export type { CallStep, PromptStep } from '../kernel/call-plan.js';

export interface OutboundCall {
  /** Verity's id for the call (`cal_…`); providers send it back in their events where they can. */
  id: string;
  accountId: string;
  verificationId: string;
  /** E.164, with +. */
  to: string;
  /** Caller id to present (E.164); null: the provider's configured number. A flash call's CLI carries the code. */
  from: string | null;
  script: CallStep[];
  /** Hang up after ringing this long without an answer (a flash call rings briefly and is never answered). */
  ringTimeoutS: number;
}

export type CallDisposition = 'completed' | 'no-answer' | 'busy' | 'failed' | 'rejected' | 'canceled';

/** What happened on a call, as the provider reported it. */
export type CallEvent =
  | { type: 'ringing' }
  | { type: 'answered' }
  | { type: 'dtmf'; digits: string }
  | { type: 'ended'; disposition: CallDisposition }
  /** Somebody called one of our numbers (reverse call): from the caller, to our pool number, both E.164. */
  | { type: 'inbound'; from: string; to: string };

export interface CallEventRecord {
  /** The provider's call id (for `inbound`, the id of the incoming call). */
  providerCallId: string;
  /** Verity's call id when the provider echoed it back; undefined for inbound calls. */
  callId?: string | undefined;
  event: CallEvent;
}

export function eventRecord(providerCallId: string, callId: string | undefined, event: CallEvent): CallEventRecord {
  return callId ? { providerCallId, callId, event } : { providerCallId, event };
}

/** The provider's callback URL with what the vendor's request is about; vendors sign it exactly as given here. */
export function callbackUrlFor(base: string, event: 'status' | 'gather', callId: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}event=${event}&call=${encodeURIComponent(callId)}`;
}

/** What the callback route answers the provider with: events, and the body the vendor expects (TwiML, NCCO). */
export interface CallCallbackResult {
  events: CallEventRecord[];
  response?: { contentType: string; body: string } | undefined;
}

export interface CallProviderCapabilities {
  /** Country calling codes served; absent: every country. */
  countries?: readonly string[] | undefined;
  /** Whether calls to our own numbers reach us (reverse call). */
  inbound: boolean;
  /** Whether the caller id can be set per call (flash call). */
  customCallerId: boolean;
}

export interface CallProvider {
  readonly name: string;
  readonly type: string;
  readonly capabilities: CallProviderCapabilities;
  /** Places the call; throws ProviderError (with `retryable`) when the provider refuses it. */
  placeCall(call: OutboundCall): Promise<{ providerCallId: string }>;
  /**
   * Reads a vendor callback (status, gather/DTMF, inbound call) and says what to answer; throws
   * ProviderError('BAD_SIGNATURE', …, false) on a request without the vendor's valid signature.
   * An inbound call is answered so that it costs the caller nothing where the vendor allows it
   * (rejected, never answered).
   */
  parseCallback(req: CallbackRequest): CallCallbackResult | Promise<CallCallbackResult>;
  /**
   * The answer to a gather callback that continues the call with `script` (the IVR's confirmation
   * or fallback) instead of hanging up at once.
   */
  continueWith(script: CallStep[]): { contentType: string; body: string };
  /** Ends a call now (a flash call after it rang). */
  hangup?(providerCallId: string): Promise<void>;
  close?(): Promise<void>;
}

/** One telephony adapter kind, like ProviderDefinition for messages (the same context and address check). */
export type CallProviderDefinition<O = Record<string, unknown>> = AddressedAdapterDefinition<O, CallProvider, ProviderContext>;
