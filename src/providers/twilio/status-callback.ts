import { ProviderError, type CallbackRequest, type DeliveryOutcome, type DeliveryReceipt } from '../../delivery/provider.js';
import { isTwilioSigned } from './twilio-signature.js';

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
  const post = req.method.toUpperCase() === 'POST';
  const form = new URLSearchParams(post ? req.rawBody : '');
  const signature = header(req, 'x-twilio-signature');
  // A GET carries its parameters in the URL, which is signed as a whole.
  if (!signature || !isTwilioSigned(authToken, req.url, [...form], signature)) {
    throw new ProviderError('BAD_SIGNATURE', 'the status callback does not carry a valid X-Twilio-Signature', false);
  }
  const p = post ? form : new URLSearchParams(req.query);
  const sid = p.get('MessageSid') ?? p.get('SmsSid');
  const outcome = OUTCOMES.get(p.get('MessageStatus') ?? p.get('SmsStatus') ?? '');
  if (!sid || !outcome) return [];
  const errorCode = p.get('ErrorCode') || undefined;
  return [{ providerMessageId: sid, status: outcome, ...(errorCode ? { errorCode } : {}) }];
}

function header(req: CallbackRequest, name: string): string | undefined {
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
