import type { Agent } from 'undici';
import { guardedPost } from './guarded-post.js';
import { guardedAgent } from './outbound-guard.js';

export interface RetryingPostOptions {
  /** Whether private and loopback addresses may be reached (tests, closed networks). */
  allowPrivate: boolean;
  /** Per attempt: connecting, the answer's headers and its body; milliseconds. */
  timeoutMs: number;
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait after failed attempt `attempt` (1-based) before the next one; milliseconds. */
  delayMs: (attempt: number) => number;
}

/** Why one attempt failed: the HTTP status it answered, or that there was no answer. */
export type PostError = `HTTP_${number}` | 'TIMEOUT' | 'CONNECTION_FAILED' | 'ADDRESS_NOT_ALLOWED';

export interface PostFailure {
  attempt: number;
  /** The HTTP status, or 0 when there was none. */
  status: number;
  error: PostError;
}

export type PostOutcome = { ok: true; attempt: number } | ({ ok: false } & PostFailure);

/**
 * Best-effort POSTs to a URL an account chose (vendor callbacks and notifications): every address
 * is checked against the SSRF guard, each attempt has its own timeout, and a failed attempt is
 * retried after `delayMs` until one answers 2xx, the attempts run out, the address turns out to
 * be one Verity may not reach (never retried), or `close()` is called. Nothing survives a restart.
 */
export class RetryingPost {
  /** The guarded agent, for other requests to the same kind of URL (an echo check). */
  readonly agent: Agent;
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(private readonly o: RetryingPostOptions) {
    this.agent = guardedAgent(o.allowPrivate, o.timeoutMs);
  }

  /** Resolves with the last attempt's outcome; `onFailure` hears every failed attempt. Never throws. */
  async post(url: URL, init: { headers: Record<string, string>; body: string }, onFailure?: (f: PostFailure) => void): Promise<PostOutcome> {
    let last: PostFailure = { attempt: 0, status: 0, error: 'CONNECTION_FAILED' };
    for (let attempt = 1; attempt <= this.o.attempts && !this.closed; attempt++) {
      const failure = await this.once(url, init, attempt);
      if (!failure) return { ok: true, attempt };
      last = failure;
      onFailure?.(failure);
      if (failure.error === 'ADDRESS_NOT_ALLOWED' || attempt === this.o.attempts) break;
      await this.wait(this.o.delayMs(attempt));
    }
    return { ok: false, ...last };
  }

  /** Stops every retry (a wait under way ends at once) and closes the agent's connections. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, wake] of this.waits) {
      clearTimeout(timer);
      wake();
    }
    this.waits.clear();
    await this.agent.close();
  }

  private async once(url: URL, init: { headers: Record<string, string>; body: string }, attempt: number): Promise<PostFailure | undefined> {
    const r = await guardedPost(this.agent, url, { timeoutMs: this.o.timeoutMs, ...init });
    if (r.error !== undefined) return { attempt, status: 0, error: r.error };
    return r.status >= 200 && r.status < 300 ? undefined : { attempt, status: r.status, error: `HTTP_${r.status}` };
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.waits.set(timer, resolve);
    });
  }
}
