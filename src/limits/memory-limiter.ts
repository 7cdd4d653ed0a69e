import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { StoreBackend } from './adapter.js';

/** Per-process counters: for tests and single-instance deployments only. */
export function openMemoryStore(): StoreBackend {
  return {
    open(name, budget) {
      const ready = Promise.resolve(new RateLimiterMemory({ keyPrefix: name, points: budget.points, duration: budget.durationSec }));
      return () => ready;
    },
    async close() {},
  };
}
