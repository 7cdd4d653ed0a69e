import { AppError, type ErrorCode } from '../../errors/index.js';
import { McError, type ResponseCode } from './envelope.js';

type Refusal = Exclude<ResponseCode, 200>;

// Verity's refusals in Message Central's table. A finished verification answers with its own
// state; every limit, quota and balance is MAXIMUM_LIMIT_REACHED.
const BY_CODE: Partial<Record<ErrorCode, Refusal>> = {
  VALIDATION_FAILED: 400,
  INVALID_PHONE_NUMBER: 400,
  NOT_A_MOBILE_NUMBER: 400,
  INVALID_EMAIL: 400,
  CHANNEL_MISMATCH: 400,
  CHANNEL_NOT_ALLOWED: 400,
  INVALID_CODE_FORMAT: 400,
  INVALID_LOCALE: 400,
  SERVICE_NOT_FOUND: 400,
  NO_POOL_NUMBER: 400,
  VERIFICATION_NOT_FOUND: 505,
  VERIFICATION_APPROVED: 703,
  VERIFICATION_EXPIRED: 705,
  VERIFICATION_FAILED: 700,
  VERIFICATION_BLOCKED: 700,
  VERIFICATION_CANCELED: 700,
  MAX_ATTEMPTS_REACHED: 700,
  RATE_LIMITED: 800,
  DESTINATION_RATE_LIMITED: 800,
  GUESS_LIMIT_REACHED: 800,
  RESEND_COOLDOWN: 800,
  MAX_SENDS_REACHED: 800,
  INSUFFICIENT_BALANCE: 800,
};

// Verity's own texts for these name no number, code or secret, so they can explain a 400.
const EXPLAINED: ReadonlySet<Refusal> = new Set([400]);

/**
 * The vendor's refusal for an error thrown while serving it; anything unknown is a SERVER_ERROR.
 * `overrides` lets a route read a code its own way (a malformed code at validation is a wrong code).
 */
export function toMcError(err: unknown, overrides: Partial<Record<ErrorCode, Refusal>> = {}): McError {
  if (err instanceof McError) return err;
  if (!(err instanceof AppError)) return new McError(500);
  const code = overrides[err.code] ?? BY_CODE[err.code] ?? 500;
  return new McError(code, EXPLAINED.has(code) ? err.message : undefined, err.retryAfterS);
}
