/** Creates pending verifications through the public API and reads each code from the sandbox inbox. */
import type { CheckTarget } from './spec.js';

async function call(url: string, authorization: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} -> ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

async function one(base: string, authorization: string, to: string): Promise<CheckTarget> {
  const started = await call(`${base}/v1/verifications`, authorization, { method: 'POST', body: JSON.stringify({ to, channel: 'sms' }) });
  if (!isRecord(started) || typeof started.id !== 'string' || started.status !== 'pending') {
    throw new Error(`unexpected start response: ${JSON.stringify(started)}`);
  }
  const inbox = await call(`${base}/v1/sandbox/messages?to=${encodeURIComponent(to)}&limit=1`, authorization);
  const msg = isRecord(inbox) && Array.isArray(inbox.messages) ? (inbox.messages[0] as unknown) : undefined;
  if (!isRecord(msg) || typeof msg.code !== 'string' || msg.verification_id !== started.id) {
    throw new Error(`no sandbox message for ${started.id}: ${JSON.stringify(inbox).slice(0, 300)}`);
  }
  return { id: started.id, code: msg.code };
}

/**
 * `count` pending verifications to distinct, consecutive Brazilian mobiles (+55 11 9xxxx-xxxx
 * from a random base), `concurrency` at a time.
 */
export async function preparePending(base: string, authorization: string, count: number, concurrency = 32): Promise<CheckTarget[]> {
  const first = Math.floor(Math.random() * (1e8 - count));
  const out: CheckTarget[] = new Array<CheckTarget>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await one(base, authorization, `+55119${String(first + i).padStart(8, '0')}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/**
 * The pumping rules on the start load. The load is one address starting numbers whose codes nobody
 * types, which the rules refuse; at threshold 100 the operator's starts are scored and recorded in
 * full and none is refused (no walk through a block, no price: they score 90 at most). A second account has the rules off: the same load on it,
 * in the same run, gives their cost. Returns that account's authorization.
 */
export async function fraudAccounts(base: string, authorization: string): Promise<string> {
  await call(`${base}/v1/fraud/settings`, authorization, { method: 'PUT', body: JSON.stringify({ threshold: 100 }) });
  const created = await call(`${base}/v1/accounts`, authorization, { method: 'POST', body: JSON.stringify({ name: 'bench, pumping rules off', postpaid: true }) });
  const key = isRecord(created) && isRecord(created.key) ? created.key : undefined;
  if (typeof key?.key_id !== 'string' || typeof key.secret !== 'string') throw new Error(`unexpected account response: ${JSON.stringify(created).slice(0, 300)}`);
  const unjudged = `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
  await call(`${base}/v1/fraud/settings`, unjudged, { method: 'PUT', body: JSON.stringify({ mode: 'off' }) });
  return unjudged;
}
