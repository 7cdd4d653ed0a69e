/**
 * What the delivery path carries: a message to send, where it stands at a provider, a vendor's
 * callback. Shared by the channels that plan messages, the outbox and the vendors' adapters.
 */
import type { CallPlan } from './call-plan.js';
import type { Channel } from './channel.js';

export interface OutboundMessage {
  id: string;
  accountId: string;
  verificationId: string;
  channel: Channel;
  /** E.164 (`+5511987654321`) for phone channels, a lower-cased address for email. */
  to: string;
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  code: string;
  /** Sender id / from address asked for by the caller; a provider falls back to its configured one. */
  sender: string | null;
  locale: string;
  /** Call channels (voice, ivr, flash_call): what the call does and shows. */
  call?: CallPlan | undefined;
}

/**
 * Where a message stands at a provider. `sent`: the provider accepted it (a receipt may follow);
 * `delivered`: the handset / mailbox has it; `undeliverable`: it will never arrive.
 */
export type DeliveryOutcome = 'sent' | 'delivered' | 'undeliverable';

export interface SendReceipt {
  providerMessageId: string;
  status: DeliveryOutcome;
}

/** A delivery receipt: pushed by the provider (SMPP deliver_sm) or parsed from a vendor's callback. */
export interface DeliveryReceipt {
  providerMessageId: string;
  status: DeliveryOutcome;
  /** The provider's own error / status code, when it gave one (kept in the attempt log). */
  errorCode?: string | undefined;
}

/** A vendor's HTTP status callback, as Verity received it at `/v1/providers/{name or id}/callback`. */
export interface CallbackRequest {
  method: string;
  /** The full URL the vendor called (PUBLIC_URL + path + query): what vendors sign. */
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string>;
  rawBody: string;
}

/** A callback's header by its lower-case name, whatever case the vendor sent it in. */
export function callbackHeader(req: CallbackRequest, name: string): string | undefined {
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
