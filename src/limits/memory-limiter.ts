import { RateLimiterMemory } from 'rate-limiter-flexible';
import { adaptRateLimiter } from './adapter.js';
import type { StoreBackend } from './adapter.js';

/** Per-process counters: for tests and single-instance deployments only. */
export function openMemoryStore(): StoreBackend {
  return {
    create(name, rule) {
      const limiter = new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.durationSec });
      const ready = Promise.resolve(limiter);
      return adaptRateLimiter(rule, () => ready);
    },
    async close() {},
  };
}
