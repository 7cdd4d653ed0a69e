import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import { callbackHeader, type CallbackRequest } from '../../../kernel/message.js';
import { ProviderError } from '../../../kernel/provider-errors.js';
import type { Clock } from '../../../lib/clock.js';
import { parseJsonObject } from '../../../lib/json.js';

/**
 * Checks a signed Voice API webhook (https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks):
 * `Authorization: Bearer <JWT>`, HS256 with the account's signature secret, whose `payload_hash`
 * claim is the SHA-256 (hex) of the payload. The hash is required, not optional as Vonage allows:
 * without it a captured token would vouch for any body, and an inbound call's `from` is exactly
 * what a forger wants to choose.
 */
export async function verifyWebhook(req: CallbackRequest, secret: Uint8Array, clock: Clock): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(callbackHeader(req, 'authorization') ?? '')?.[1];
  if (!token) throw bad('the webhook does not carry a Vonage signature');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(clock.now()) }));
  } catch (err) {
    throw bad('the webhook does not carry a valid Vonage signature', err);
  }
  const hash = claims.payload_hash;
  if (typeof hash !== 'string' || !payloadSpellings(req).some((p) => sameHex(sha256(p), hash))) {
    throw bad('the webhook payload is not the one its Vonage signature covers');
  }
}

/**
 * What Vonage may have hashed. Its guide: "an object of the query parameters for GET or the
 * request body for POST", as JSON without whitespace; its own Node sample hashes the query merged
 * with the body. Each spelling covers the whole body, so accepting any of them loosens nothing
 * that matters; for a GET, the query with and without the adapter's own `event` and `call`.
 */
function payloadSpellings(req: CallbackRequest): string[] {
  const query = queryPairs(req);
  const raw = req.rawBody;
  if (raw.trim() === '') {
    const vendorOnly = query.filter(([k]) => k !== 'event' && k !== 'call');
    return [JSON.stringify(Object.fromEntries(query)), JSON.stringify(Object.fromEntries(vendorOnly))];
  }
  const spellings = [raw];
  const body = parseJsonObject(raw);
  if (body) spellings.push(JSON.stringify(body), JSON.stringify({ ...Object.fromEntries(query), ...body }));
  return spellings;
}

// In the order the URL has them, which is the order Vonage built its object in.
function queryPairs(req: CallbackRequest): Array<[string, string]> {
  try {
    return [...new URL(req.url).searchParams];
  } catch {
    return Object.entries(req.query);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function bad(message: string, cause?: unknown): ProviderError {
  return new ProviderError('BAD_SIGNATURE', message, cause);
}
