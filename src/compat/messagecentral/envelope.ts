import type { FastifyReply, FastifyRequest } from 'fastify';

/** Message Central's response codes and the message each comes with. */
export const RESPONSE_CODES = {
  200: 'SUCCESS',
  400: 'BAD_REQUEST',
  409: 'DUPLICATE_RESOURCE',
  500: 'SERVER_ERROR',
  501: 'INVALID_CUSTOMER_ID',
  505: 'INVALID_VERIFICATION_ID',
  506: 'REQUEST_ALREADY_EXISTS',
  511: 'INVALID_COUNTRY_CODE',
  700: 'VERIFICATION_FAILED',
  702: 'WRONG_OTP_PROVIDED',
  703: 'ALREADY_VERIFIED',
  705: 'VERIFICATION_EXPIRED',
  800: 'MAXIMUM_LIMIT_REACHED',
} as const;

export type ResponseCode = keyof typeof RESPONSE_CODES;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A refusal in the vendor's terms. `detail` becomes `errorMessage`: short English, never a number,
 * a code or a secret.
 */
export class McError extends Error {
  constructor(
    readonly responseCode: Exclude<ResponseCode, 200>,
    readonly detail: string = RESPONSE_CODES[responseCode],
    readonly retryAfterS?: number,
  ) {
    super(detail);
    this.name = 'McError';
  }
}

/**
 * `{"responseCode", "message", "data"}`. `data` repeats the code as a string and carries
 * `errorMessage`, in the key order of the vendor's samples, which the caller keeps.
 */
export function envelope(code: ResponseCode, data: Record<string, unknown> | null): string {
  return JSON.stringify({ responseCode: code, message: RESPONSE_CODES[code], data });
}

export function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(body);
}

/**
 * What the vendor's gateway (Spring) answers for a missing or bad authToken. The path is the
 * route's, never the query string, which holds a phone number.
 */
export function sendUnauthorized(reply: FastifyReply, req: FastifyRequest, now: number): FastifyReply {
  const timestamp = new Date(now).toISOString().replace('Z', '+00:00');
  const path = req.url.split('?')[0] ?? '';
  return sendJson(reply, 401, JSON.stringify({ timestamp, status: 401, error: 'Unauthorized', path: path.slice(0, 200) }));
}
