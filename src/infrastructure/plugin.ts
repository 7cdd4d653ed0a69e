import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { resolveSecrets, type Config } from '../config/index.js';
import { publicUrl } from '../config/public-url.js';
import { Sealer } from '../crypto/sealer.js';
import { migrate, openDatabase, pendingMigrations, type DatabaseHandle } from '../db/database.js';
import { sqlitePath } from '../db/database-url.js';
import { checkPostgres } from '../db/postgres-check.js';
import { Metrics } from '../http/metrics.js';
import { describedOnly, TAG } from '../http/reference.js';
import type { App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { StartupError } from '../lib/startup-error.js';
import { createLimiterFactory, type LimiterStore } from '../limits/index.js';
import { connectRedis } from '../limits/redis-client.js';
import { OutboundGuard } from '../outbound/outbound-guard.js';
import type { Core, Parts, Verity } from '../verity.js';

const SWEEP_MS = 30_000;

const status = (value: string) => ({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: [value] } }, examples: [{ status: value }] });

// The probes answer by hand (never through a serializer); these describe them in the reference.
const HEALTHZ_DOC = describedOnly({
  tags: [TAG.health],
  summary: 'Liveness',
  description: 'Answers while the process serves requests; it checks nothing else, so a failing database does not restart the server. No authentication.',
  security: [],
  response: { 200: { description: 'The process is up', ...status('ok') } },
});

const READYZ_DOC = describedOnly({
  tags: [TAG.health],
  summary: 'Readiness',
  description: 'Answers 200 when the database answers a ping, 503 otherwise: take the instance out of the load balancer while it is not ready. No authentication.',
  security: [],
  response: {
    200: { description: 'The database answered', ...status('ready') },
    503: {
      description: '`UNAVAILABLE`: the database did not answer',
      content: {
        'application/problem+json': {
          schema: { $ref: 'Problem' },
          examples: {
            UNAVAILABLE: {
              summary: 'Database unavailable',
              value: { type: 'urn:verity:problem:unavailable', title: 'Database unavailable', status: 503, code: 'UNAVAILABLE', detail: 'the database did not answer', request_id: 'req-2b' },
            },
          },
        },
      },
    },
  },
});

export interface InfrastructureOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** PostgreSQL schema for this app's tables (test suites use one each). */
  schema?: string | undefined;
  /** `verify` only refuses to start when a migration is missing (a server beside owns the database). */
  migrations?: 'apply' | 'verify' | undefined;
}

async function limiterStore(config: Config, database: DatabaseHandle, redis: Redis | undefined): Promise<LimiterStore> {
  let kind = config.limits.store;
  // Embedded, one process: limits in memory cost nothing on the hot path (a restart forgets the
  // short windows). LIMITS_STORE=sqlite keeps them across restarts at some cost per request.
  if (kind === 'auto') kind = redis ? 'redis' : database.dialect === 'postgres' ? 'postgres' : 'memory';
  switch (kind) {
    case 'redis':
      if (!redis) throw new Error('the redis limit store needs REDIS_URL');
      return { kind: 'redis', client: redis };
    case 'postgres':
      if (!database.pool) throw new Error('the postgres limit store needs a PostgreSQL DATABASE_URL');
      return { kind: 'postgres', pool: database.pool };
    case 'sqlite': {
      const main = database.sqlitePath ?? sqlitePath(config.databaseUrl);
      return { kind: 'sqlite', path: main === ':memory:' ? ':memory:' : join(dirname(main), 'limits.db') };
    }
    default:
      return { kind: 'memory' };
  }
}

/** Opens the database (migrated or verified), Redis when configured, and the limiter factory. */
async function connect(opts: InfrastructureOptions) {
  const { config, logger } = opts;
  const database = openDatabase(config.databaseUrl, opts.schema ? { schema: opts.schema } : {});
  let redis: Redis | undefined;
  try {
    if (database.dialect === 'postgres') await checkPostgres(config.databaseUrl);
    if (config.redisUrl) redis = await connectRedis(config.redisUrl, logger);
    if (opts.migrations === 'verify') {
      const pending = await pendingMigrations(database, opts.schema);
      if (pending.length)
        throw new StartupError(`the database lacks migration ${pending.join(', ')} and a server owns it: stop the server, then start it again (it migrates when it starts) or run migrate`);
    } else {
      await migrate(database, opts.schema);
    }
    const limiters = await createLimiterFactory(await limiterStore(config, database, redis));
    return { database, redis, limiters };
  } catch (err) {
    // Nothing is registered to close them yet.
    redis?.disconnect();
    await database.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Database, Redis, limits, outbound guards, metrics, request logging, the error handler, the
 * API document and the health probes. Registered first, it closes last.
 */
export const infrastructure = fp(
  async (app: App, opts: InfrastructureOptions) => {
    const { config, logger, clock } = opts;
    const secrets = resolveSecrets(config);
    const { database, redis, limiters } = await connect(opts);
    // Two switches of one guard: what accounts configure, and the operator's own upstreams.
    const accountOutbound = new OutboundGuard(config.outbound.allowPrivate);
    const operatorOutbound = new OutboundGuard(config.outbound.providersAllowPrivate);
    app.addHook('onClose', async () => {
      await Promise.allSettled([accountOutbound.close(), operatorOutbound.close()]);
      await limiters.close();
      redis?.disconnect();
      await database.close();
    });

    const tasks: (() => Promise<unknown>)[] = [];
    const sweeper = setInterval(() => {
      Promise.all(tasks.map((t) => t())).catch((err: unknown) => logger.warn({ err }, 'sweep failed'));
    }, SWEEP_MS);
    sweeper.unref();
    // Capabilities close after this hook is added, so no sweep runs while they stop.
    app.addHook('preClose', async () => clearInterval(sweeper));

    const metrics = new Metrics();
    const core: Core = {
      config,
      logger,
      secrets,
      database,
      redis,
      clock,
      limiters,
      metrics,
      baseUrl: publicUrl(config, config.port),
      derivedKey: (use) => createHmac('sha256', secrets.tokenSigningKey).update(`verity ${use}`).digest(),
      accountOutbound,
      operatorOutbound,
      sealer: new Sealer(secrets.encryptionKey),
      sweep: (task) => void tasks.push(task),
    };
    app.decorate('core', core);
    // Filled in by the capability plugins, in the order app.ts registers them; each one reads only
    // what the plugins in its `dependencies` have set.
    app.decorate('verity', { config, database, metrics, clock } as Verity);
    app.decorate('parts', {} as Parts);
    metrics.install(app);

    const logRequests = logger.isLevelEnabled('info');
    app.addHook('onResponse', (req, reply, done) => {
      // Route pattern only: URLs can hold a phone number in the query string.
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      if (logRequests) req.log.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });

    app.get('/healthz', { schema: { hide: true }, config: HEALTHZ_DOC }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true }, config: READYZ_DOC }, async (req, reply) => {
      try {
        await database.ping();
        return { status: 'ready' };
      } catch {
        return reply
          .code(503)
          .type('application/problem+json')
          .send({ type: 'urn:verity:problem:unavailable', title: 'Database unavailable', status: 503, code: 'UNAVAILABLE', detail: 'the database did not answer', request_id: req.id });
      }
    });
  },
  { name: 'infrastructure' },
);
