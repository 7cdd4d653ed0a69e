import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryingPost, type PostFailure, type RetryingPostOptions } from './retrying-post.js';

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server answering each POST with the next status of `statuses` (the last one repeats). */
async function server(statuses: number[]): Promise<{ url: URL; hits: Hit[]; srv: Server }> {
  const hits: Hit[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(hits.length, statuses.length) - 1] ?? 200;
      res.end('answer');
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`), hits, srv };
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

function poster(o: Partial<RetryingPostOptions> = {}): RetryingPost {
  const p = new RetryingPost({ allowPrivate: true, timeoutMs: 2_000, attempts: 4, delayMs: () => 5, ...o });
  open.push(p);
  return p;
}

const form = { headers: { 'content-type': 'application/x-www-form-urlencoded', signature: 'sig' }, body: 'a=1&b=2' };

describe('RetryingPost', () => {
  it('retries a non-2xx answer until one is 2xx, waiting delayMs(attempt) between tries', async () => {
    const s = await server([503, 500, 204]);
    open.push(s.srv);
    const delays: number[] = [];
    const failures: PostFailure[] = [];
    const out = await poster({ delayMs: (a) => (delays.push(a), 5) }).post(s.url, form, (f) => failures.push(f));
    expect(out).toEqual({ ok: true, attempt: 3 });
    expect(failures).toEqual([
      { attempt: 1, status: 503, error: 'HTTP_503' },
      { attempt: 2, status: 500, error: 'HTTP_500' },
    ]);
    expect(delays).toEqual([1, 2]);
    expect(s.hits).toHaveLength(3);
    for (const h of s.hits) expect([h.body, h.headers['content-type'], h.headers.signature]).toEqual(['a=1&b=2', 'application/x-www-form-urlencoded', 'sig']);
  });

  it('gives up after its attempts and answers the last failure', async () => {
    const s = await server([500, 502]);
    open.push(s.srv);
    const out = await poster({ attempts: 3 }).post(s.url, form);
    expect(out).toEqual({ ok: false, attempt: 3, status: 502, error: 'HTTP_502' });
    expect(s.hits).toHaveLength(3);
  });

  it('retries a URL nothing listens on as CONNECTION_FAILED', async () => {
    const s = await server([200]);
    const url = s.url;
    await new Promise((resolve) => s.srv.close(resolve));
    const failures: PostFailure[] = [];
    const out = await poster({ attempts: 2 }).post(url, form, (f) => failures.push(f));
    expect(out).toEqual({ ok: false, attempt: 2, status: 0, error: 'CONNECTION_FAILED' });
    expect(failures.map((f) => f.attempt)).toEqual([1, 2]);
  });

  it('never reaches a private address unless allowed, and does not retry one', async () => {
    const s = await server([200]);
    open.push(s.srv);
    const failures: PostFailure[] = [];
    const guarded = poster({ allowPrivate: false });
    expect(await guarded.post(s.url, form, (f) => failures.push(f))).toEqual({ ok: false, attempt: 1, status: 0, error: 'ADDRESS_NOT_ALLOWED' });
    // A name is checked where it resolves, not only as written.
    const byName = new URL(s.url.href.replace('127.0.0.1', 'localhost'));
    expect(await guarded.post(byName, form, (f) => failures.push(f))).toMatchObject({ ok: false, attempt: 1, error: 'ADDRESS_NOT_ALLOWED' });
    expect(failures).toHaveLength(2);
    expect(s.hits).toHaveLength(0);
  });

  it('stops at once when closed during a wait', async () => {
    const s = await server([500]);
    open.push(s.srv);
    const p = new RetryingPost({ allowPrivate: true, timeoutMs: 2_000, attempts: 5, delayMs: () => 60_000 });
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const pending = p.post(s.url, form, () => failed());
    await firstFailure;
    await p.close();
    expect(await pending).toEqual({ ok: false, attempt: 1, status: 500, error: 'HTTP_500' });
    expect(s.hits).toHaveLength(1);
    // Closed, it sends nothing more.
    expect(await p.post(s.url, form)).toMatchObject({ ok: false, attempt: 0 });
    expect(s.hits).toHaveLength(1);
  });
});
