import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** A failure the client can act on; rendered as RFC 9457 problem+json by the error handler. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    /** Extension members added to the problem document (e.g. `status_of_verification`). */
    readonly extra: Record<string, unknown> = {},
    /** Seconds for a `Retry-After` header. */
    readonly retryAfterS?: number,
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  request_id: string;
  [extension: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `urn:verity:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblem(code: ErrorCode, detail: string, requestId: string, extra: Record<string, unknown> = {}): Problem {
  const { status, title } = ERROR_CODES[code];
  return { ...extra, type: problemType(code), title, status, code, detail, request_id: requestId };
}
