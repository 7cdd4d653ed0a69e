import { request, type Agent } from 'undici';
import { isBlockedAddress } from './outbound-guard.js';

/** One POST's result: the status it answered, or why there was none. */
export type GuardedPostResult = { status: number; error?: undefined } | { status?: undefined; error: 'ADDRESS_NOT_ALLOWED' | 'TIMEOUT' | 'CONNECTION_FAILED' };

/**
 * One POST to a URL an account chose, through a guarded agent (`guardedAgent`), which refuses a
 * literal private address before connecting and a name where it resolves. Never throws; the
 * answer's body is drained.
 */
export async function guardedPost(agent: Agent, url: URL, o: { timeoutMs: number; headers: Record<string, string>; body: string }): Promise<GuardedPostResult> {
  try {
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: o.headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs) });
    await res.body.dump();
    return { status: res.statusCode };
  } catch (err) {
    if (isBlockedAddress(err)) return { error: 'ADDRESS_NOT_ALLOWED' };
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    return { error: (err as Error).name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' ? 'TIMEOUT' : 'CONNECTION_FAILED' };
  }
}
