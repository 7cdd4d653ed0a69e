import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureMethod } from './options.js';

/**
 * Vonage's signed-request scheme (https://developer.vonage.com/en/getting-started/concepts/signing-messages):
 * every parameter but `sig`, sorted by name, as `&name=value` with `&` and `=` in values turned
 * into `_`. `md5hash` is the MD5 of that string followed by the secret; the others are an HMAC of
 * the string keyed with the secret. Hex, compared without regard to case.
 */
export function vonageSignature(params: Readonly<Record<string, string>>, secret: string, method: SignatureMethod): string {
  const base = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${(params[k] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash')
    return createHash('md5')
      .update(base + secret, 'utf8')
      .digest('hex');
  return createHmac(method, secret).update(base, 'utf8').digest('hex');
}

export function isVonageSigned(params: Readonly<Record<string, string>>, secret: string, method: SignatureMethod): boolean {
  const given = params.sig;
  if (!given) return false;
  const expected = vonageSignature(params, secret, method);
  return timingSafeEqual(digest(expected.toLowerCase()), digest(given.toLowerCase()));
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
