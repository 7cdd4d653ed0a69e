import { AppError } from '../errors/index.js';
import type { Limiter, LimitResult } from '../limits/limiter.js';

export function limited(code: 'RATE_LIMITED' | 'DESTINATION_RATE_LIMITED' | 'GUESS_LIMIT_REACHED', r: Pick<LimitResult, 'retryAfterMs'>, detail: string): AppError {
  return new AppError(code, detail, {}, Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
}

/** Takes one point from `key`'s budget, or refuses with the wait the limiter tells. */
export async function enforce(limiter: Limiter, key: string, code: 'RATE_LIMITED' | 'DESTINATION_RATE_LIMITED', detail: string): Promise<void> {
  const r = await limiter.consume(key);
  if (!r.allowed) throw limited(code, r, detail);
}
