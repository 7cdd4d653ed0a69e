import { pino, type Logger } from 'pino';
import { accounts } from './accounts/plugin.js';
import { analytics } from './analytics/plugin.js';
import { calls } from './calls/plugin.js';
import { compat } from './compat/plugin.js';
import { COMPAT_SETTINGS } from './compat/settings.js';
import { registerSettings, type Config } from './config/index.js';
import { delivery, outbox } from './delivery/plugin.js';
import { events } from './events/plugin.js';
import { ROUTE_CHANNELS_CHECK } from './delivery/route-settings.js';
import { createHttp } from './http/kernel.js';
import type { App } from './http/types.js';
import { idempotency } from './idempotency/plugin.js';
import { infrastructure } from './infrastructure/plugin.js';
import { systemClock, type Clock } from './lib/clock.js';
import { packageVersion } from './lib/version.js';
import { numbers } from './numbers/plugin.js';
import { INBOUND_NUMBERS_CHECK } from './numbers/settings.js';
import { FRAUD_SETTINGS } from './fraud/settings.js';
import { fraud } from './fraud/plugin.js';
import { providers } from './providers/plugin.js';
import { sandbox, virtualPhone } from './sandbox/plugin.js';
import { services } from './services/plugin.js';
import { silent } from './silent/plugin.js';
import { sounds } from './sounds/plugin.js';
import { templates } from './templates/plugin.js';
import { verifications } from './verifications/plugin.js';
import type { ProviderFactory } from './verity.js';
import { webhooks } from './webhooks/plugin.js';

export type { Verity } from './verity.js';

const VERSION = packageVersion();

// The composition root hands the configuration the settings its features own: the vendor APIs'
// and the checks only a feature can make. Whoever loads the configuration in this process (the
// CLI, a test) gets them, because building the app needs this module.
registerSettings(...COMPAT_SETTINGS, INBOUND_NUMBERS_CHECK, ROUTE_CHANNELS_CHECK, FRAUD_SETTINGS);

export interface BuildOptions {
  clock?: Clock;
  /** Replaces the providers of PROVIDERS (the sandbox is always there, by the name `sandbox`). */
  providers?: ProviderFactory;
  /** PostgreSQL schema for this app's tables (test suites use one each). */
  schema?: string;
  logger?: Logger;
  /**
   * `apply` (the default) migrates the database; `verify` only refuses to start when a migration
   * is missing, for a process beside a server that owns the database (see lockDatabase).
   */
  migrations?: 'apply' | 'verify';
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    // Credentials never reach the log, whichever object carries them.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.code', 'secret', 'code'], censor: '[redacted]' },
  });
}

/**
 * Builds the whole server as a Fastify instance, one named plugin per capability in the order
 * they depend on each other: infrastructure first, then the capabilities, each with its routes,
 * timers and teardown. Fastify closes them in reverse, so the delivery worker stops before the
 * providers, limits and database it uses. It does not listen; `server.ts` does.
 */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config);
  const app = await createHttp({ logger, trustProxy: config.trustProxy, docs: { ui: config.docs, version: VERSION } });

  try {
    await app.register(infrastructure, { config, logger, clock: opts.clock ?? systemClock, schema: opts.schema, migrations: opts.migrations });
    await app.register(accounts);
    await app.register(services);
    await app.register(templates);
    await app.register(sandbox);
    await app.register(providers, { providers: opts.providers });
    await app.register(events);
    await app.register(analytics);
    await app.register(fraud);
    await app.register(webhooks);
    await app.register(numbers);
    await app.register(sounds);
    await app.register(silent);
    await app.register(idempotency);
    await app.register(outbox);
    await app.register(verifications);
    await app.register(delivery);
    await app.register(calls);
    await app.register(virtualPhone);
    await app.register(compat);
  } catch (err) {
    // A configuration the providers or upstreams refuse must not leave connections open behind it:
    // closing runs the teardown of every plugin registered so far.
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
