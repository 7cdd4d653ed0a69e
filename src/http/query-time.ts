import { AppError } from '../errors/index.js';

/** A query string's date-time as epoch milliseconds (undefined when absent); a problem naming `name` when it is not one. */
export function queryInstant(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new AppError('VALIDATION_FAILED', `${name} must be a date-time such as 2026-12-01T00:00:00Z`);
  return t;
}
