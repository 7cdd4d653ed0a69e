import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { adaptRateLimiter } from './adapter.js';
import type { StoreBackend } from './adapter.js';

export const REDIS_KEY_PREFIX = 'verity_limits:';

/**
 * Uses the caller's client; close() never quits it. While Redis is unreachable, calls follow
 * the client's own offline-queue / retry settings and then fail with its error.
 */
export function openRedisStore(client: Redis): StoreBackend {
  return {
    create(name, rule) {
      const limiter = new RateLimiterRedis({
        storeClient: client,
        // false selects the ioredis code path (defineCommand Lua script, lowercase pttl);
        // true is for node-redis v4+.
        useRedisPackage: false,
        keyPrefix: REDIS_KEY_PREFIX + name,
        points: rule.points,
        duration: rule.durationSec,
      });
      const ready = Promise.resolve(limiter);
      return adaptRateLimiter(rule, () => ready);
    },
    async close() {},
  };
}
