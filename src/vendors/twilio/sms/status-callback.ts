import type { CallbackRequest, DeliveryOutcome, DeliveryReceipt } from '../../../kernel/message.js';
import { signedTwilioParams } from '../twilio-signature.js';

// Final MessageStatus values; queued, sending, sent and accepted say nothing final and are skipped.
const OUTCOMES: ReadonlyMap<string, DeliveryOutcome> = new Map([
  ['delivered', 'delivered'],
  ['read', 'delivered'],
  ['undelivered', 'undeliverable'],
  ['failed', 'undeliverable'],
]);

/**
 * A Twilio status callback: a form POST (or a GET when StatusCallbackMethod says so) with
 * MessageSid, MessageStatus and, on failure, ErrorCode, signed in X-Twilio-Signature.
 */
export function parseStatusCallback(req: CallbackRequest, authToken: string): DeliveryReceipt[] {
  const p = signedTwilioParams(req, authToken, 'status callback');
  const sid = p.get('MessageSid') ?? p.get('SmsSid');
  const outcome = OUTCOMES.get(p.get('MessageStatus') ?? p.get('SmsStatus') ?? '');
  if (!sid || !outcome) return [];
  const errorCode = p.get('ErrorCode') || undefined;
  return [{ providerMessageId: sid, status: outcome, ...(errorCode ? { errorCode } : {}) }];
}
