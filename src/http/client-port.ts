import type { FastifyRequest } from 'fastify';

const PORT = /^[0-9]{1,5}$/;

/**
 * The device's source port: behind a proxy you run (TRUST_PROXY), the one it forwards in
 * X-Client-Port, as CAMARA has it; otherwise, or when that header is not one port number, the
 * socket's own.
 */
export function clientPort(req: Pick<FastifyRequest, 'headers' | 'socket'>, trustProxy: unknown): number | undefined {
  const header = req.headers['x-client-port'];
  if (trustProxy && typeof header === 'string' && PORT.test(header)) {
    const port = Number(header);
    if (port <= 65535) return port;
  }
  return req.socket.remotePort;
}
