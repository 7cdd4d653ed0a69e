import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a fetch URL works unless the caller says otherwise: longer than any call that plays it. */
export const DEFAULT_URL_TTL_S = 3600;

function sign(id: string, exp: number, key: Uint8Array): string {
  return createHmac('sha256', key).update(`${id}.${exp}`).digest('base64url');
}

/**
 * A URL a telephony provider fetches the sound from without Verity credentials: the signature
 * (HMAC-SHA256 of `id.exp`) names the sound and when the URL stops working.
 */
export function signedSoundUrl(publicUrl: string, id: string, signingKey: Uint8Array, nowMs: number, ttlS = DEFAULT_URL_TTL_S): string {
  const exp = Math.floor(nowMs / 1000) + ttlS;
  return `${publicUrl.replace(/\/+$/, '')}/v1/sounds/${encodeURIComponent(id)}/audio?exp=${exp}&sig=${sign(id, exp, signingKey)}`;
}

export type UrlCheck = 'ok' | 'bad_signature' | 'expired';

/**
 * Checks the `exp` and `sig` of a fetch URL. The signature is compared as text, in constant
 * time: comparing decoded bytes would let a second spelling of the same base64url pass.
 */
export function checkSoundUrl(id: string, exp: string | undefined, sig: string | undefined, signingKey: Uint8Array, nowMs: number): UrlCheck {
  if (!exp || !sig || !/^[1-9][0-9]{0,11}$/.test(exp)) return 'bad_signature';
  const expected = Buffer.from(sign(id, Number(exp), signingKey));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  return nowMs >= Number(exp) * 1000 ? 'expired' : 'ok';
}
