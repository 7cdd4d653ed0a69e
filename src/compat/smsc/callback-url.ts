import { checkUrl } from '../../outbound/outbound-guard.js';

/**
 * What is wrong with a credential's `callback_url`, checked when it is saved; undefined when it
 * may be stored. The URL is the account's choice, so its host may not reach this server's own
 * network (SSRF) unless private addresses are allowed; the sender checks again when it calls.
 */
export async function callbackUrlProblem(value: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'callback_url must be an http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'callback_url must be an http or https URL';
  const verdict = await checkUrl(url, allowPrivate);
  if (verdict === 'unresolvable') return 'the host of callback_url does not resolve';
  if (verdict === 'not-public') return 'callback_url must resolve to a public address';
  return undefined;
}
