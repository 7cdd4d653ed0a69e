import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { callbackHeader, type CallbackRequest } from '../../kernel/message.js';
import { ProviderError } from '../../kernel/provider-errors.js';

/**
 * Twilio's request signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the
 * full URL, then every POST parameter sorted by name with its value appended, HMAC-SHA1 keyed
 * with the Auth Token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv));
  const data = sorted.reduce((acc, [k, v]) => acc + k + v, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `given` signs this request. Twilio signs the URL as it was configured, which may or may
 * not spell out the default port, so both spellings are tried (as Twilio's own libraries do).
 */
export function isTwilioSigned(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>, given: string): boolean {
  let ok = false;
  // Every candidate is checked, so the time taken does not depend on which one matched.
  for (const candidate of urlSpellings(url)) if (sameDigest(twilioSignature(authToken, candidate, params), given)) ok = true;
  return ok;
}

function urlSpellings(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const port = parsed.protocol === 'https:' ? '443' : '80';
  // WHATWG URL drops a default port, so the spelled-out form is built by hand.
  const withPort = parsed.port ? url : url.replace(parsed.host, `${parsed.hostname}:${port}`);
  const withoutPort = parsed.port === port ? url.replace(parsed.host, parsed.hostname) : url;
  return [...new Set([url, withPort, withoutPort])];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameDigest(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * The parameters of a Twilio webhook (`what` names it in the refusal), once X-Twilio-Signature is
 * checked: the form of a POST, or the query of a GET, whose URL is signed as a whole.
 */
export function signedTwilioParams(req: CallbackRequest, authToken: string, what: string): URLSearchParams {
  const post = req.method.toUpperCase() === 'POST';
  const form = new URLSearchParams(post ? req.rawBody : '');
  const signature = callbackHeader(req, 'x-twilio-signature');
  if (!signature || !isTwilioSigned(authToken, req.url, [...form], signature)) {
    throw new ProviderError('BAD_SIGNATURE', `the ${what} does not carry a valid X-Twilio-Signature`);
  }
  return post ? form : new URLSearchParams(req.query);
}
