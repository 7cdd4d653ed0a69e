/**
 * The fetch every call goes through: credentials, a timeout per attempt, and retries that never
 * repeat a request the server may already have acted on.
 */
import { retryAfterSeconds } from './errors.js';

export interface TransportOptions {
  /** The fetch to use; default the global one (Node 20+, Deno, Bun, browsers). */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries after the first attempt; default 2. 0 turns retrying off. */
  retries?: number;
  /** How long one attempt may take before it is aborted, in ms; default 30 000. */
  timeoutMs?: number;
  /** The longest wait before a retry, in ms; a longer Retry-After is answered as an error at once. Default 30 000. */
  maxRetryDelayMs?: number;
}

/** 429: a limit refused it before anything ran; 503: Verity could not reach a dependency and did nothing. */
const REFUSED_UNDONE = new Set([429, 503]);

/**
 * Whether a 429 is a request-rate limit, which waiting out fixes. The other 429s answer for the
 * verification or the account (RESEND_COOLDOWN, DESTINATION_RATE_LIMITED, GUESS_LIMIT_REACHED,
 * SPEND_CAP_REACHED): the caller decides, with err.retryAfter, rather than the call waiting.
 */
async function rateLimited(response: Response): Promise<boolean> {
  if (response.status !== 429) return true;
  try {
    return ((await response.clone().json()) as { code?: unknown }).code === 'RATE_LIMITED';
  } catch {
    return true;
  }
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const BASE_DELAY_MS = 250;
const MAX_BACKOFF_MS = 8_000;

/** A request that may run twice with one effect: a safe or idempotent method, or one with an Idempotency-Key. */
export function isReplayable(request: Request): boolean {
  return SAFE_METHODS.has(request.method.toUpperCase()) || request.headers.has('idempotency-key');
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so clients that failed together spread out. */
export function backoffMs(attempt: number, random = Math.random): number {
  const step = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

const sleep = (ms: number, signal: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });

export function createTransport(authorization: string, options: TransportOptions = {}): (request: Request) => Promise<Response> {
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const retries = Math.max(0, options.retries ?? 2);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;

  /** One attempt, aborted after timeoutMs or when the caller's signal aborts. */
  const attempt = async (request: Request, body: ArrayBuffer | undefined): Promise<Response> => {
    const controller = new AbortController();
    const caller = request.signal;
    const onAbort = () => controller.abort(caller.reason);
    caller.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    try {
      const headers = new Headers(request.headers);
      headers.set('authorization', authorization);
      return await fetchImpl(new Request(request.url, { method: request.method, headers, body, signal: controller.signal, redirect: request.redirect }));
    } finally {
      clearTimeout(timer);
      caller.removeEventListener('abort', onAbort);
    }
  };

  return async (request) => {
    // Read once: every attempt sends the same bytes.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const replayable = isReplayable(request);
    for (let n = 0; ; n++) {
      const last = n >= retries;
      let response: Response;
      try {
        response = await attempt(request, body);
      } catch (err) {
        // A lost connection or a timeout leaves it unknown whether the server acted.
        if (last || !replayable || request.signal.aborted) throw err;
        await sleep(backoffMs(n), request.signal);
        continue;
      }
      if (last || !REFUSED_UNDONE.has(response.status) || !(await rateLimited(response))) return response;
      const after = retryAfterSeconds(response.headers.get('retry-after'));
      // At least what the server asked for, plus up to a tenth more so waiting clients do not return at once.
      const wait = after === undefined ? backoffMs(n) : after * 1000 + Math.random() * Math.min(1000, after * 100);
      if (wait > maxRetryDelayMs) return response;
      await response.body?.cancel();
      await sleep(wait, request.signal);
    }
  };
}

/** The Authorization header for an API key (Basic) or an OAuth2 access token (Bearer). */
export function authorizationFor(credentials: { keyId: string; secret: string } | { token: string }): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${btoa(`${credentials.keyId}:${credentials.secret}`)}`;
}
