import { AppError } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/error-codes.js';

/** A refusal in SMSC's terms: the numbered error its clients branch on. */
export class SmscError extends Error {
  constructor(readonly code: number) {
    super(`SMSC error ${code}`);
    this.name = 'SmscError';
  }
}

// Verity's refusals of a start, as the SMSC error closest in meaning. Anything else a client
// could cause is a parameters error.
const FROM_VERITY: Partial<Record<ErrorCode, number>> = {
  RATE_LIMITED: 4,
  DESTINATION_RATE_LIMITED: 9,
  INSUFFICIENT_BALANCE: 3,
};

/**
 * The SMSC error for whatever was thrown, and the HTTP status to send it with: SMSC answers
 * its errors with 200 (no client looks at the status); only a fault of ours is a 500.
 */
export function smscErrorOf(err: unknown, noNumberError: number): { code: number; status: number; internal: boolean } {
  if (err instanceof SmscError) return { code: err.code, status: 200, internal: false };
  if (err instanceof AppError) {
    if (err.code === 'NO_POOL_NUMBER') return { code: noNumberError, status: 200, internal: false };
    if (err.status < 500) return { code: FROM_VERITY[err.code] ?? 1, status: 200, internal: false };
  }
  const status = (err as { statusCode?: unknown }).statusCode;
  // Fastify's own 4xx (a body too large, a malformed request) are the client's parameters.
  if (!(err instanceof AppError) && typeof status === 'number' && status >= 400 && status < 500) return { code: 1, status: 200, internal: false };
  return { code: 1, status: 500, internal: true };
}
