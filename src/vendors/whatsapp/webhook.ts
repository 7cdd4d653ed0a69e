import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ProviderError } from '../../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryOutcome, DeliveryReceipt } from '../../kernel/message.js';

// `sent` only says WhatsApp has it; `deleted` and unknown values are skipped too.
const OUTCOMES: ReadonlyMap<string, DeliveryOutcome> = new Map([
  ['delivered', 'delivered'],
  ['read', 'delivered'],
  ['failed', 'undeliverable'],
]);

interface StatusEntry {
  id?: unknown;
  status?: unknown;
  errors?: Array<{ code?: unknown }>;
}

interface Notification {
  entry?: Array<{ changes?: Array<{ value?: { statuses?: StatusEntry[] } }> }>;
}

/**
 * A Cloud API webhook: `entry[].changes[].value.statuses[]`, one receipt per status. With an app
 * secret configured, X-Hub-Signature-256 must be `sha256=` + the hex HMAC-SHA256 of the raw body.
 */
export function parseWebhook(req: CallbackRequest, appSecret: string | undefined): DeliveryReceipt[] {
  if (appSecret !== undefined && !isMetaSigned(req, appSecret)) {
    throw new ProviderError('BAD_SIGNATURE', 'the webhook does not carry a valid X-Hub-Signature-256');
  }
  let doc: Notification;
  try {
    doc = JSON.parse(req.rawBody) as Notification;
  } catch (err) {
    throw new ProviderError('INVALID_CALLBACK', 'the webhook body is not JSON', err);
  }
  const out: DeliveryReceipt[] = [];
  for (const entry of arrayOf(doc?.entry)) {
    for (const change of arrayOf(entry?.changes)) {
      for (const s of arrayOf(change?.value?.statuses)) {
        const outcome = OUTCOMES.get(String(s?.status));
        if (typeof s?.id !== 'string' || !outcome) continue;
        const code = arrayOf(s.errors)[0]?.code;
        out.push({ providerMessageId: s.id, status: outcome, ...(code !== undefined ? { errorCode: String(code) } : {}) });
      }
    }
  }
  return out;
}

/**
 * Meta's subscription check: a GET with hub.mode=subscribe, hub.verify_token and hub.challenge.
 * The challenge is the answer (as the plain response body) when the token matches; else undefined.
 */
export function subscriptionChallenge(req: CallbackRequest, verifyToken: string | undefined): string | undefined {
  const q = req.query;
  if (verifyToken === undefined || req.method.toUpperCase() !== 'GET' || q['hub.mode'] !== 'subscribe') return undefined;
  const given = q['hub.verify_token'];
  if (given === undefined || !timingSafeEqual(digest(given), digest(verifyToken))) return undefined;
  return q['hub.challenge'];
}

function isMetaSigned(req: CallbackRequest, appSecret: string): boolean {
  let given: string | undefined;
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === 'x-hub-signature-256') given = v;
  if (!given) return false;
  const expected = `sha256=${createHmac('sha256', appSecret).update(req.rawBody, 'utf8').digest('hex')}`;
  return timingSafeEqual(digest(expected), digest(given.trim().toLowerCase()));
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function arrayOf<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}
