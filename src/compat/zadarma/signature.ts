import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Zadarma's signature: base64 of the HEX text of HMAC-SHA1 (not of its raw bytes), over
 * `methodPath + paramsStr + md5(paramsStr)`, where paramsStr is the client's sorted query string.
 */
export function zadarmaSignature(secret: string, methodPath: string, paramsStr: string): string {
  const md5 = createHash('md5').update(paramsStr).digest('hex');
  return hexBase64(secret, methodPath + paramsStr + md5);
}

/** base64(hex(HMAC-SHA1(secret, text))): the request signature's core, and the webhook `Signature`. */
export function hexBase64(secret: string, text: string): string {
  return Buffer.from(createHmac('sha1', secret).update(text).digest('hex')).toString('base64');
}

/** PHP `urlencode` (http_build_query with PHP_QUERY_RFC1738): only [A-Za-z0-9_.-] stay bare, space is '+'. */
export function rfc1738(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Node's URLSearchParams encoding, which the official TypeScript SDK signs: leaves `*` bare. */
function whatwg(s: string): string {
  return new URLSearchParams([['', s]]).toString().slice(1);
}

type Pair = readonly [string, string];

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Decoded fields sorted by key and encoded one way, as an SDK builds paramsStr from its own params. */
export function buildParamsStr(fields: readonly Pair[], encode: (s: string) => string = rfc1738): string {
  return fields
    .map(([key, value]) => ({ key, text: `${encode(key)}=${encode(value)}` }))
    .sort(byKey)
    .map((p) => p.text)
    .join('&');
}

/**
 * The raw `k=v` pairs as they came over the wire, in their own encoding, sorted by decoded key:
 * every SDK sends what it signed, only in its own order (PHP appends `format` last).
 */
export function sortRawPairs(raw: readonly { key: string; text: string }[]): string {
  return [...raw]
    .sort(byKey)
    .map((p) => p.text)
    .join('&');
}

export interface SignedRequest {
  /** The URL path as received (`/v1/verify/` and `/v1/verify` sign differently). */
  path: string;
  /** The raw pairs of a query string or form body; absent for multipart. */
  raw: readonly { key: string; text: string }[] | undefined;
  /** Decoded text fields (files excluded, as the SDKs exclude them from the signature). */
  fields: readonly Pair[];
}

/**
 * Whether `given` is the signature of this request under `secret`. Tried in order: the raw pairs
 * as sent (whatever encoding the client used), then the decoded fields re-encoded by PHP's rules
 * and by URLSearchParams' (the only choices for multipart, which has no raw query).
 */
export function signatureMatches(secret: string, req: SignedRequest, given: string): boolean {
  const candidates = new Set<string>();
  if (req.raw) candidates.add(sortRawPairs(req.raw));
  try {
    candidates.add(buildParamsStr(req.fields, rfc1738));
    candidates.add(buildParamsStr(req.fields, whatwg));
  } catch {
    // A lone surrogate cannot be percent-encoded; such a field was signed by no SDK.
  }
  const want = Buffer.from(given);
  let ok = false;
  for (const c of candidates) {
    const sig = Buffer.from(zadarmaSignature(secret, req.path, c));
    // Every candidate is compared, in constant time, so the answer's timing says nothing.
    if (sig.length === want.length && timingSafeEqual(sig, want)) ok = true;
  }
  return ok;
}
