/**
 * The simulator's only way out: one keep-alive connection pool to one loopback origin, at most
 * `concurrency` requests in flight, each stamped with when it really left (after waiting for a
 * slot) and when its answer came.
 */
import { isIP } from 'node:net';
import { Pool } from 'undici';

export interface Answer {
  /** 0 when there was no HTTP answer (refused connection, reset, the hard stop). */
  status: number;
  body: Record<string, unknown> | undefined;
  /** ms since the client's origin of time. */
  issuedMs: number;
  answeredMs: number;
  error?: string;
}

export interface CallOptions {
  body?: unknown;
  /** The end user's address: the server takes it from X-Forwarded-For (TRUST_PROXY). */
  ip?: string;
  signal?: AbortSignal;
}

/**
 * The simulator sends attack-shaped traffic on purpose, so it drives only a server on this
 * machine: a typo in --url must not pump someone's production.
 */
export function loopbackOrigin(url: string): URL {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new Error(`the simulator only drives a server on this machine (127.0.0.1, ::1, localhost), not ${url}`);
  return new URL(u.origin);
}

export class VerityClient {
  private readonly pool: Pool;
  private readonly origin: URL;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    url: string,
    private readonly authorization: string,
    private readonly concurrency: number,
    /** The origin of the `*Ms` times. */
    private readonly t0 = performance.now(),
  ) {
    this.origin = loopbackOrigin(url);
    this.pool = new Pool(this.origin, { connections: concurrency, keepAliveTimeout: 30_000 });
  }

  /** ms since t0. */
  now(): number {
    return performance.now() - this.t0;
  }

  async call(method: 'GET' | 'POST', path: string, o: CallOptions = {}): Promise<Answer> {
    await this.slot();
    const issuedMs = this.now();
    try {
      const headers: Record<string, string> = { authorization: this.authorization };
      if (o.ip) headers['x-forwarded-for'] = o.ip;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await this.pool.request({
        path: `${this.origin.pathname.replace(/\/$/, '')}${path}`,
        method,
        headers,
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: parseObject(text), issuedMs, answeredMs: this.now() };
    } catch (err) {
      return { status: 0, body: undefined, issuedMs, answeredMs: this.now(), error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.release();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    // The slot is handed over by release(), so inFlight stays counted.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
