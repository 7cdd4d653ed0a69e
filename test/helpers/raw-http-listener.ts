/**
 * A loopback HTTP/1.1 server on a bare `net` socket, for what Node's http server hides: it
 * lower-cases header names, and a client's handler in PHP (getallheaders() under the built-in
 * server or Apache) does not. Every request is kept with its header block exactly as it arrived.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as sent (`/hook?x=1`). */
  url: string;
  /** The header block as it arrived, lines joined by CRLF, without the request line. */
  head: string;
  /** Header names exactly as sent, in order. */
  names: string[];
  /** Header values by lower-cased name (the last one wins), for reading values. */
  headers: Record<string, string>;
  body: string;
}

export interface RawAnswer {
  status: number;
  body?: string;
}

export interface RawListener {
  url: string;
  requests: RawRequest[];
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 200: 'OK', 204: 'No Content', 400: 'Bad Request', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const MAX_HEAD = 64 * 1024;

/** Decodes a chunked body; undefined until the last chunk has arrived. */
function dechunk(buf: Buffer): { body: Buffer; used: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    const start = eol + 2;
    if (size === 0) {
      const end = buf.indexOf('\r\n', start);
      return end < 0 ? undefined : { body: Buffer.concat(parts), used: end + 2 };
    }
    if (buf.length < start + size + 2) return undefined;
    parts.push(buf.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** Listens on 127.0.0.1; `answer` decides each reply (keep-alive connections are served in turn). */
export async function listenRaw(answer: (req: RawRequest) => RawAnswer): Promise<RawListener> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const headEnd = buf.indexOf('\r\n\r\n');
        if (headEnd < 0) {
          if (buf.length > MAX_HEAD) socket.destroy();
          return;
        }
        const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
        const [method = '', url = ''] = (lines[0] ?? '').split(' ');
        const fields = lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const);
        const headers = Object.fromEntries(fields.map(([k, v]) => [k.toLowerCase(), v]));
        const rest = buf.subarray(headEnd + 4);
        let body: Buffer;
        let used: number;
        if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
          const d = dechunk(rest);
          if (!d) return;
          ({ body, used } = d);
        } else {
          const length = Number(headers['content-length'] ?? 0);
          if (rest.length < length) return;
          [body, used] = [rest.subarray(0, length), length];
        }
        buf = rest.subarray(used);
        const req: RawRequest = { method, url, head: lines.slice(1).join('\r\n'), names: fields.map(([k]) => k), headers, body: body.toString('latin1') };
        requests.push(req);
        const a = answer(req);
        const text = Buffer.from(a.body ?? '', 'utf8');
        socket.write(`HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Status'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\n\r\n`);
        socket.write(text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets would hold close() open.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
