/**
 * A loopback HTTP server standing in for a vendor's or operator's cloud API: it records every
 * request and answers with any status, headers and body text (Apigee's exact token line, a 302).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Header names as they were written on the wire (`headers` has them lower-cased). */
  names: string[];
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is when a string, as JSON otherwise. */
  body?: unknown;
}

/** `hang`: take the request and never answer (an operator that stalls). */
export type Handler = (req: SeenRequest) => Reply | 'hang' | Promise<Reply | 'hang'>;

export interface Listener {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A request that breaks the documented format; the fakes answer it 400 and record why. */
export class WireError extends Error {}
export function expectWire(ok: boolean, what: string): void {
  if (!ok) throw new WireError(what);
}

export async function listen(handler: Handler, violations: string[]): Promise<Listener> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        names: req.rawHeaders.filter((_, i) => i % 2 === 0),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      void (async () => {
        let reply: Reply | 'hang';
        try {
          reply = await handler(seen);
        } catch (err) {
          if (!(err instanceof WireError)) throw err;
          violations.push(`${seen.method} ${seen.path}: ${err.message}`);
          reply = { status: 400, body: { error: err.message } };
        }
        if (reply === 'hang') return;
        const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets and a hanging request would hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
