/**
 * A JSON SMS gateway on loopback, the kind the `http` provider type is configured for: it takes
 * `{to, text}` by POST, records each send with its headers, and answers every one with `status`,
 * `{id}` below 300 and `{error}` from there on.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewaySend {
  headers: IncomingHttpHeaders;
  body: { to: string; text: string };
}

export interface JsonGateway {
  /** `http://127.0.0.1:<port>/send` */
  url: string;
  port: number;
  calls: GatewaySend[];
  /** TCP connections accepted so far, to show that a refused provider never connected. */
  connections(): number;
  close(): Promise<void>;
}

export async function startJsonGateway(status = 200): Promise<JsonGateway> {
  const calls: GatewaySend[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(body) as { to: string; text: string } });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(status < 300 ? { id: `gw-${calls.length}` } : { error: 'unavailable' }));
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    port,
    calls,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        // Keep-alive sockets from the provider's client would hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
