/**
 * Standard Webhooks verification with WebCrypto: `webhook-signature` holds one or more
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the base64 part of a `whsec_` secret.
 */
import { WebhookVerificationError } from './errors.js';

/** The body Verity POSTs for every event. */
export interface WebhookEvent<D = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: D;
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the signed time may be from now, either way, in seconds; default 300. */
  toleranceS?: number;
  /** The time to compare with; default now. */
  now?: Date;
}

const encoder = new TextEncoder();

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Equal bytes, in a time that depends only on the length (a signature's length is public). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * The event, when the request carries a valid signature by `secret` made within the tolerance;
 * otherwise a WebhookVerificationError saying why. Pass the body exactly as received: parsed and
 * re-serialized JSON does not match the signature.
 */
export async function verifyWebhook<D = Record<string, unknown>>(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string, options: VerifyOptions = {}): Promise<WebhookEvent<D>> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are all required');

  const key = base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (!key || key.length === 0) throw new WebhookVerificationError('invalid_secret', 'the secret is not whsec_ followed by base64');

  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a number of seconds');
  const now = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);
  const tolerance = options.toleranceS ?? 300;
  const signedAt = Number(timestamp);
  // Both ways: an old request is a replay, one from the future could be replayed later.
  if (now - signedAt > tolerance) throw new WebhookVerificationError('timestamp_too_old', `signed ${now - signedAt} s ago, more than ${tolerance} s`);
  if (signedAt - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', `signed ${signedAt - now} s ahead, more than ${tolerance} s`);

  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const hmac = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', hmac, signed));

  // Several signatures while a secret rotates: any v1 one that matches will do.
  let valid = false;
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    const given = version === 'v1' && value ? base64Bytes(value) : undefined;
    if (given && constantTimeEqual(given, expected)) valid = true;
  }
  if (!valid) throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches the body and the secret');

  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent<D>;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'the signed body is not JSON');
  }
}
