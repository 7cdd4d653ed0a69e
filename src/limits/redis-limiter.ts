import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { StoreBackend } from './adapter.js';

export const REDIS_KEY_PREFIX = 'verity_limits:';

/**
 * Uses the caller's client; close() never quits it. While Redis is unreachable, calls follow
 * the client's own offline-queue / retry settings and then fail with its error.
 */
export function openRedisStore(client: Redis): StoreBackend {
  return {
    open(name, budget) {
      const limiter = new RateLimiterRedis({
        storeClient: client,
        // false selects the ioredis code path (defineCommand Lua script, lowercase pttl);
        // true is for node-redis v4+.
        useRedisPackage: false,
        keyPrefix: REDIS_KEY_PREFIX + name,
        points: budget.points,
        duration: budget.durationSec,
      });
      const ready = Promise.resolve(limiter);
      return () => ready;
    },
    async close() {},
  };
}
