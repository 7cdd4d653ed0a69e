import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * HTTP that never reaches a route: requests Node's parser refuses. Read as raw bytes from a real
 * socket on loopback, because what matters is on the wire (the Connection header, the close).
 */

interface RawResponse {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after the response. */
  closed: boolean;
}

/** Writes each request in turn on one connection, reading everything until the server closes it (or 5 s pass). */
function exchange(port: number, requests: string[]): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(parse(raw, false));
    }, 5_000);
    socket.on('data', (d: Buffer) => (raw += d.toString('latin1')));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${err.message} after ${JSON.stringify(raw.slice(0, 200))}`));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(raw, true));
    });
    socket.on('connect', async () => {
      for (const [i, request] of requests.entries()) {
        socket.write(request);
        // Wait for the previous answer before sending the next request, as a keep-alive client does.
        const answers = i + 1;
        const deadline = Date.now() + 2_000;
        while (parse(raw, false).length < answers && !socket.destroyed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      }
    });
  });
}

/** Splits raw bytes into responses (each framed by Content-Length). */
function parse(raw: string, closed: boolean): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  while (rest.includes('\r\n\r\n')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    if (body.length < length) break;
    out.push({ statusLine, headers, body, closed: false });
    rest = rest.slice(end + 4 + length);
  }
  const last = out[out.length - 1];
  if (last) last.closed = closed;
  return out;
}

const GET = (headers = '') => `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;

describe('requests refused before routing, on a real socket', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp(SQLITE);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  it('answers headers over the limit with 431 HEADERS_TOO_LARGE as problem+json and Connection: close, then closes', async () => {
    const [r, ...more] = await exchange(port, [GET(`X-Big: ${'a'.repeat(20_000)}\r\n`)]);
    expect(more).toEqual([]);
    expect(r?.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(r?.headers.connection).toBe('close');
    expect(r?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r?.body ?? '')).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', title: expect.any(String), detail: expect.stringContaining('headers'), request_id: expect.any(String) });
    expect(r?.closed).toBe(true);
  });

  it('tells a keep-alive client whose second request is too large to stop reusing the connection', async () => {
    const [ok, refused] = await exchange(port, [GET(), GET(`X-Big: ${'a'.repeat(20_000)}\r\n`)]);
    expect(ok?.statusLine).toBe('HTTP/1.1 200 OK');
    expect(ok?.headers.connection).toBe('keep-alive');
    expect(refused?.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(refused?.headers.connection).toBe('close');
    expect(refused?.closed).toBe(true);
  });

  it('answers a request that is not HTTP with 400 MALFORMED_REQUEST as problem+json and Connection: close', async () => {
    const [r] = await exchange(port, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(r?.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(r?.headers.connection).toBe('close');
    expect(r?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r?.body ?? '')).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    expect(r?.closed).toBe(true);
  });

  it('does not echo any part of the refused request', async () => {
    const [r] = await exchange(port, [GET(`Authorization: Basic c2VjcmV0LXZhbHVl\r\nX-Big: ${'b'.repeat(20_000)}\r\n`)]);
    expect(r?.body).not.toContain('c2VjcmV0LXZhbHVl');
    expect(r?.body).not.toContain('bbbb');
  });

  it('answers a JSON body sent without a content type with 415 over the wire too', async () => {
    const body = JSON.stringify({ to: '+5511987654321', channel: 'sms' });
    const [r] = await exchange(port, [`POST /v1/verifications HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${t.auth()}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`]);
    expect(r?.statusLine).toBe('HTTP/1.1 415 Unsupported Media Type');
    expect(JSON.parse(r?.body ?? '')).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'a body without a content type is not accepted here: send content-type: application/json' });
  });
});
