import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { toProblem, type ErrorCode } from '../errors/index.js';
import { newId } from '../lib/ids.js';

const REFUSALS: Record<string, { code: ErrorCode; detail: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', detail: `the request line and headers together exceed ${maxHeaderSize} bytes` },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', detail: 'the request did not arrive in full in time' },
};
const MALFORMED = { code: 'MALFORMED_REQUEST', detail: 'the request could not be parsed as HTTP/1.1' } as const;

/** How long a refused connection may stay open to take the rest of what the client sends. */
const LINGER_MS = 1_000;

/**
 * Answers a request that Node's HTTP parser refused (too-large headers, bad syntax, a timeout)
 * before any route saw it. Fastify's default writes a plain JSON body without `Connection: close`
 * and resets the socket, so a keep-alive client that reuses the connection meets ECONNRESET.
 * Here the answer is problem+json with `Connection: close`, the socket is ended after it rather
 * than destroyed, and it lingers a moment so that the client's unread bytes do not turn the close
 * into a reset that could discard the answer. Nothing of the refused request is echoed.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's own rule: answer only while no response to an earlier request is partly written.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { code, detail } = (err.code !== undefined && Object.hasOwn(REFUSALS, err.code) ? REFUSALS[err.code] : undefined) ?? MALFORMED;
    const problem = toProblem(code, detail, newId('req'));
    const body = JSON.stringify(problem);
    this.log.debug({ code, reason: err.code, request_id: problem.request_id }, 'refused a request before routing');
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
