import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryOutcome, DeliveryReceipt } from '../../../kernel/message.js';
import type { SignatureMethod } from './options.js';
import { isVonageSigned } from './vonage-signature.js';

// Final DLR statuses; accepted, buffered and unknown say nothing final and are skipped.
const OUTCOMES: ReadonlyMap<string, DeliveryOutcome> = new Map([
  ['delivered', 'delivered'],
  ['failed', 'undeliverable'],
  ['rejected', 'undeliverable'],
  ['expired', 'undeliverable'],
]);

export interface ReceiptVerification {
  secret: string;
  method: SignatureMethod;
}

/**
 * A Vonage SMS delivery receipt: a GET with query parameters, or a POST of JSON or a form (the
 * dashboard's "HTTP method" setting), with messageId, status and err-code. With a signature
 * secret configured it must also carry a valid `sig` over all its parameters.
 */
export function parseDeliveryReceipt(req: CallbackRequest, verify: ReceiptVerification | undefined): DeliveryReceipt[] {
  const params = receiptParams(req);
  if (verify && !isVonageSigned(params, verify.secret, verify.method)) {
    throw new ProviderError('BAD_SIGNATURE', 'the delivery receipt does not carry a valid Vonage signature');
  }
  const id = params.messageId;
  const outcome = OUTCOMES.get(params.status ?? '');
  if (!id || !outcome) return [];
  const err = params['err-code'];
  return [{ providerMessageId: id, status: outcome, ...(err && err !== '0' ? { errorCode: err } : {}) }];
}

function receiptParams(req: CallbackRequest): Record<string, string> {
  const raw = req.rawBody.trim();
  if (req.method.toUpperCase() === 'GET' || raw === '') return { ...req.query };
  if (raw.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      throw new ProviderError('INVALID_CALLBACK', 'the delivery receipt is not valid JSON', err);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ProviderError('INVALID_CALLBACK', 'the delivery receipt is not a JSON object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc)) if (v !== null && typeof v !== 'object') out[k] = String(v);
    return out;
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
