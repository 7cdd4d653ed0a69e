import { AppError, type ErrorCode } from '../../errors/index.js';

/** A failure in Zadarma's words: `{"status":"error","message":…}`, HTTP 200 for business errors. */
export class ZadarmaError extends Error {
  constructor(
    message: string,
    readonly httpStatus = 200,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ZadarmaError';
  }
}

export const NOT_AUTHORIZED = 'Not authorized';
export const RATE_LIMITED = 'Rate limit exceeded';
export const NO_SUCH_REQUEST = 'No such request id';
export const INVALID_CODE = 'Invalid verification code';

export const required = (param: string) => new ZadarmaError(`"${param}" param is required`);
export const invalid = (param: string) => new ZadarmaError(`"${param}" param is invalid`);

// What Verity's refusals of a start become. Only `"to" param is required` is Zadarma's own text;
// the others are short sentences in its style, except the balance one, which its openapi quotes.
const START_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INVALID_PHONE_NUMBER: '"to" param is invalid',
  NOT_A_MOBILE_NUMBER: '"to" param is invalid',
  INVALID_EMAIL: '"to" param is invalid',
  CHANNEL_MISMATCH: '"to" param is invalid',
  INVALID_CODE_FORMAT: '"code" param is invalid',
  SOUND_NOT_FOUND: 'Sound not found',
  TEMPLATE_NOT_FOUND: 'Template not found',
  INVALID_TEMPLATE: 'Template not found',
  INSUFFICIENT_BALANCE: 'Not enough money on your account',
  DESTINATION_RATE_LIMITED: 'Too many requests to this destination, try later',
  NO_PROVIDER: 'Channel is not available',
  NO_POOL_NUMBER: 'Channel is not available',
  CHANNEL_NOT_ALLOWED: 'Channel is not available',
};

/** A refusal of `verifications.start` as Zadarma would word it; anything unexpected is rethrown. */
export function startError(err: unknown): never {
  if (err instanceof AppError) {
    if (err.code === 'RATE_LIMITED') throw new ZadarmaError(RATE_LIMITED, 429, err.retryAfterS);
    const message = START_MESSAGES[err.code];
    if (message) throw new ZadarmaError(message);
  }
  throw err;
}

// Every state in which the request can no longer be checked reads as Zadarma's unknown id,
// attempts over the limit included, as its documents suggest.
const GONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VERIFICATION_NOT_FOUND',
  'VERIFICATION_APPROVED',
  'VERIFICATION_CANCELED',
  'VERIFICATION_EXPIRED',
  'VERIFICATION_FAILED',
  'VERIFICATION_BLOCKED',
  'MAX_ATTEMPTS_REACHED',
  'GUESS_LIMIT_REACHED',
]);

/** A refusal of `verifications.check` (or `get`) in Zadarma's three messages. */
export function checkError(err: unknown): never {
  if (err instanceof AppError) {
    if (GONE.has(err.code)) throw new ZadarmaError(NO_SUCH_REQUEST);
    if (err.code === 'INVALID_CODE_FORMAT') throw new ZadarmaError(INVALID_CODE);
  }
  throw err;
}
