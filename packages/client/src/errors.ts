import type { ErrorCode } from './generated/error-codes.js';
import type { components } from './generated/openapi.js';

/** An RFC 9457 problem as Verity sends it, with its stable code and any extension members. */
export type Problem = Pick<components['schemas']['Problem'], 'type' | 'title' | 'status' | 'detail' | 'request_id'> & { code: ErrorCode; [member: string]: unknown };

/** `UNEXPECTED_RESPONSE`: an error answer that was not Verity's problem+json (a proxy's page, say). */
export type VerityErrorCode = ErrorCode | 'UNEXPECTED_RESPONSE';

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.code === 'string' && typeof b.status === 'number';
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A request Verity refused: branch on `code`, which never changes meaning between versions. */
export class VerityError extends Error {
  override readonly name = 'VerityError';
  /** The problem's stable code; a server newer than this client may send one the union lacks. */
  readonly code: VerityErrorCode;
  readonly status: number;
  readonly detail: string;
  /** The whole problem body, extension members included; undefined when the answer was not one. */
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;
  /** Retry-After in seconds, when the answer carried one (rate limits, cooldowns). */
  readonly retryAfter: number | undefined;

  constructor(status: number, body: unknown, retryAfter: number | undefined) {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? (typeof body === 'string' && body !== '' ? body.slice(0, 500) : `HTTP ${status}`);
    super(problem ? `${problem.code}: ${detail}` : `Verity answered HTTP ${status}: ${detail}`);
    this.code = problem?.code ?? 'UNEXPECTED_RESPONSE';
    this.status = status;
    this.detail = detail;
    this.problem = problem;
    this.requestId = problem?.request_id;
    this.retryAfter = retryAfter;
  }

  static fromResponse(response: Response, body: unknown): VerityError {
    return new VerityError(response.status, body, retryAfterSeconds(response.headers.get('retry-after')));
  }
}

/** Why a webhook was refused. */
export type WebhookFailure = 'missing_headers' | 'invalid_secret' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'invalid_signature' | 'invalid_body';

/** A webhook request that did not come from the endpoint's secret holder, or not recently. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}
