import { adaptRateLimiter, disabledLimiter } from './adapter.js';
import type { StoreBackend } from './adapter.js';
import type { LimitRule, LimitWindow, Limiter, LimiterFactory, LimiterStore } from './limiter.js';
import { openMemoryStore } from './memory-limiter.js';
import { openPostgresStore } from './postgres-limiter.js';
import { openRedisStore } from './redis-limiter.js';
import { counterBudget, slidingWindow } from './sliding-window.js';
import { openSqliteStore } from './sqlite-limiter.js';

export type { LimitResult, LimitRule, LimitWindow, Limiter, LimiterFactory, LimiterStore } from './limiter.js';

// The name ends up in an SQL identifier ('verity_limits_' + name, 63 bytes max in PostgreSQL),
// so it is restricted to lowercase letters, digits and '_', which need no quoting anywhere.
const NAME_PATTERN = /^[a-z][a-z0-9_]{0,48}$/;

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new RangeError(`limiter name must match ${NAME_PATTERN}, got ${JSON.stringify(name)}`);
  }
}

const WINDOWS: readonly LimitWindow[] = ['fixed', 'sliding'];

function checkRule(name: string, rule: LimitRule): void {
  if (rule.window !== undefined && !WINDOWS.includes(rule.window)) {
    throw new RangeError(`limiter ${name}: window must be ${WINDOWS.join(' or ')}, got ${JSON.stringify(rule.window)}`);
  }
  if (rule.points <= 0) return;
  // Redis expires keys in whole seconds and counts whole points; requiring integers keeps
  // every store behaving the same.
  if (!Number.isInteger(rule.points)) {
    throw new RangeError(`limiter ${name}: points must be an integer, got ${rule.points}`);
  }
  if (!Number.isInteger(rule.durationSec) || rule.durationSec <= 0) {
    throw new RangeError(`limiter ${name}: durationSec must be a positive integer, got ${rule.durationSec}`);
  }
}

function openStore(store: LimiterStore): StoreBackend {
  switch (store.kind) {
    case 'memory':
      return openMemoryStore();
    case 'sqlite':
      return openSqliteStore(store.path);
    case 'postgres':
      return openPostgresStore(store.pool);
    case 'redis':
      return openRedisStore(store.client);
    default: {
      const unknown: never = store;
      throw new Error(`unknown limiter store ${JSON.stringify(unknown)}`);
    }
  }
}

/** The rule with its defaults filled in, as the factory compares and keeps it. */
function normalized(rule: LimitRule): Required<LimitRule> {
  return { points: rule.points, durationSec: rule.durationSec, window: rule.window ?? 'fixed' };
}

function build(backend: StoreBackend, name: string, rule: Required<LimitRule>): Limiter {
  if (rule.points <= 0) return disabledLimiter();
  // One counter per window, read again as the previous one: see sliding-window.ts.
  if (rule.window === 'sliding') return slidingWindow(rule, backend.open(name, counterBudget(rule)));
  return adaptRateLimiter(rule, backend.open(name, rule));
}

export async function createLimiterFactory(store: LimiterStore): Promise<LimiterFactory> {
  const backend = openStore(store);
  // Creating a name twice returns the same limiter: the memory store keeps counters per
  // instance, so without this it would silently split one budget in two where the shared
  // stores would not.
  const created = new Map<string, { rule: Required<LimitRule>; limiter: Limiter }>();
  let closing: Promise<void> | undefined;

  return {
    create(name, rule) {
      if (closing) throw new Error(`limiter factory is closed (creating ${name})`);
      checkName(name);
      checkRule(name, rule);
      const wanted = normalized(rule);
      const existing = created.get(name);
      if (existing) {
        const { points, durationSec, window } = existing.rule;
        if (points === wanted.points && durationSec === wanted.durationSec && window === wanted.window) return existing.limiter;
        throw new Error(`limiter ${name} already exists with a different rule`);
      }
      const limiter = build(backend, name, wanted);
      created.set(name, { rule: wanted, limiter });
      return limiter;
    },
    close() {
      closing ??= backend.close();
      return closing;
    },
  };
}
