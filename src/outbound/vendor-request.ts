import { request, type Dispatcher } from 'undici';
import { ProviderError } from '../kernel/provider-errors.js';
import { isBlockedAddress, type OutboundGuard } from './outbound-guard.js';

export interface VendorCall {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Budget for the whole exchange, connect to last body byte. */
  timeoutMs: number;
}

export interface VendorReply {
  status: number;
  body: string;
}

// A send answer is a few hundred bytes; the cap keeps a misbehaving endpoint from filling memory.
const MAX_REPLY_BYTES = 256 * 1024;

/**
 * One HTTP exchange with a vendor, through the outbound guard `via` (every connection's address
 * checked as it is made). Any HTTP status comes back as a reply for the caller to judge; only a
 * failure to get one becomes an error, retryable (TIMEOUT, CONNECTION_FAILED) as nothing was
 * refused, except an address the guard refuses (ADDRESS_NOT_ALLOWED), which will be refused
 * again. The messages name the vendor only, never the URL (it may carry a destination or key).
 */
export async function vendorRequest(vendor: string, call: VendorCall, via: OutboundGuard): Promise<VendorReply> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), call.timeoutMs);
  try {
    const res = await request(call.url, { method: call.method, headers: call.headers, body: call.body, signal: abort.signal, dispatcher: via.http });
    return { status: res.statusCode, body: await readCapped(res.body) };
  } catch (err) {
    if (isBlockedAddress(err)) throw new ProviderError('ADDRESS_NOT_ALLOWED', `${vendor} is at an address this server may not reach (loopback, private or otherwise non-public)`, err);
    if (abort.signal.aborted) throw new ProviderError('TIMEOUT', `${vendor} did not answer within ${call.timeoutMs} ms`, err);
    // A header or URL undici will not send (bad characters from configuration) fails every time.
    if ((err as { code?: unknown } | null)?.code === 'UND_ERR_INVALID_ARG') throw new ProviderError('INVALID_REQUEST', `the request to ${vendor} could not be built`, err);
    throw new ProviderError('CONNECTION_FAILED', `could not reach ${vendor}`, err);
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_REPLY_BYTES) {
      // Past the cap the answer is not one we can read anyway; the truncated text will not parse.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
