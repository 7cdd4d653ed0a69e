import { randomBytes } from 'node:crypto';
import { checkUrl, guardedAgent } from '../../outbound/outbound-guard.js';
import { request, type Dispatcher } from 'undici';

export type NotifyUrlCheck = { ok: true } | { ok: false; problem: string };

const MAX_ECHO_BYTES = 1024;

/** An http(s) URL a notification can go to; undefined for anything else. */
export function notifyUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a notify_url before any echo check: not an http(s) URL, or a host this server
 * may not reach. The URL is the account's choice: it may not reach this server's own network
 * (SSRF) unless private addresses are allowed.
 */
export async function notifyUrlProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  const u = notifyUrl(url);
  if (!u) return 'notify_url must be an http or https URL';
  const verdict = await checkUrl(u, allowPrivate);
  if (verdict === 'unresolvable') return 'the host of notify_url does not resolve';
  if (verdict === 'not-public') return 'notify_url must resolve to a public address';
  return undefined;
}

/**
 * Zadarma's check of a notification URL: `GET <url>?zd_echo=<random>` must answer 2xx with the
 * random value as its body (Zadarma's PHP example: `exit($_GET['zd_echo'])`). Zadarma runs it when
 * the URL is saved; a credential's `notify_url` should pass it before it is stored. `dispatcher`:
 * a guarded agent to reuse; without one, the check makes its own and closes it.
 */
export async function checkNotifyUrl(url: string, timeoutMs = 5000, allowPrivate = false, dispatcher?: Dispatcher): Promise<NotifyUrlCheck> {
  const problem = await notifyUrlProblem(url, allowPrivate);
  if (problem) return { ok: false, problem };
  const u = notifyUrl(url) as URL;
  const echo = randomBytes(12).toString('hex');
  u.searchParams.set('zd_echo', echo);
  const own = dispatcher ? undefined : guardedAgent(allowPrivate, timeoutMs);
  try {
    const res = await request(u, { method: 'GET', dispatcher: dispatcher ?? own, signal: AbortSignal.timeout(timeoutMs) });
    const declared = Number(res.headers['content-length'] ?? 0);
    if (res.statusCode < 200 || res.statusCode >= 300 || declared > MAX_ECHO_BYTES) {
      await res.body.dump();
      return { ok: false, problem: `notify_url answered the zd_echo check with HTTP ${res.statusCode}` };
    }
    const text = (await res.body.text()).trim();
    return text === echo ? { ok: true } : { ok: false, problem: 'notify_url did not echo zd_echo back' };
  } catch {
    return { ok: false, problem: 'notify_url could not be reached for the zd_echo check' };
  } finally {
    void own?.close();
  }
}
