import { createHash } from 'node:crypto';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { IdempotencyStore } from './idempotency-store.js';

export type IdempotentResult = { statusCode: number; body: unknown };

/**
 * `Idempotency-Key`: the first request with a key runs; a retry with the same key and body gets
 * the first response back for the TTL. The key is claimed before the work starts, so two
 * concurrent retries cannot both run it. Failed attempts release the key so the client may retry.
 */
export class IdempotencyService {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async run(accountId: string, key: string, request: unknown, work: () => Promise<IdempotentResult>): Promise<IdempotentResult & { replayed: boolean }> {
    const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64');
    const now = this.clock.now();
    // A stale row from an earlier life of the key is dropped while claiming.
    const claimed = await this.store.claim({ account_id: accountId, key, request_hash: hash, state: 'pending', status_code: null, response: null, created_at: now }, now - this.ttlMs);
    if (!claimed) {
      const row = await this.store.get(accountId, key);
      if (!row) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'the key was released while this request arrived; retry');
      if (row.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body');
      if (row.state !== 'done' || row.status_code === null || row.response === null) {
        throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly', {}, 1);
      }
      return { statusCode: row.status_code, body: JSON.parse(row.response) as unknown, replayed: true };
    }
    try {
      const result = await work();
      await this.store.complete(accountId, key, result.statusCode, JSON.stringify(result.body));
      return { ...result, replayed: false };
    } catch (err) {
      await this.store.remove(accountId, key);
      throw err;
    }
  }

  sweep(): Promise<number> {
    return this.store.sweep(this.clock.now() - this.ttlMs);
  }
}
