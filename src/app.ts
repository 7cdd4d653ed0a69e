import fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { dirname, join } from 'node:path';
import { AccountService } from './accounts/account-service.js';
import { AccountStore } from './accounts/account-store.js';
import { KeyService } from './accounts/key-service.js';
import { oauthRoutes } from './accounts/oauth-routes.js';
import { accountRoutes } from './accounts/routes.js';
import { TokenService } from './accounts/token-service.js';
import { PriceBook } from './billing/price-book.js';
import { registerSettings, resolveSecrets, type Config } from './config/index.js';
import { publicUrl } from './config/public-url.js';
import { CodeHasher } from './crypto/code-hasher.js';
import { Sealer } from './crypto/sealer.js';
import { migrate, openDatabase, pendingMigrations, type DatabaseHandle } from './db/database.js';
import { sqlitePath } from './db/database-url.js';
import { checkPostgres } from './db/postgres-check.js';
import { StartupError } from './lib/startup-error.js';
import { connectRedis } from './limits/redis-client.js';
import { callbackRoutes } from './delivery/callback-routes.js';
import { OutboxStore } from './delivery/outbox-store.js';
import { DeliveryWorker } from './delivery/outbox-worker.js';
import type { DeliveryReceipt, MessageProvider } from './delivery/provider.js';
import { Breakers, ProviderRouter } from './delivery/router.js';
import { AccountProviders } from './providers/account-providers.js';
import { providerRoutes } from './providers/routes.js';
import { buildProviders, PROVIDER_TYPES } from './providers/index.js';
import { authenticator } from './http/auth.js';
import { installDocs } from './http/docs.js';
import { clientErrorHandler } from './http/client-error.js';
import { frameworkError, installErrorHandler } from './http/error-handler.js';
import { Metrics } from './http/metrics.js';
import { RequestLogger } from './http/request-logger.js';
import { Problem } from './http/schemas.js';
import type { App } from './http/types.js';
import { IdempotencyService } from './idempotency/idempotency-service.js';
import { IdempotencyStore } from './idempotency/idempotency-store.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLimiterFactory, type LimiterFactory, type LimiterStore } from './limits/index.js';
import { InboxStore } from './sandbox/inbox-store.js';
import { sandboxRoutes } from './sandbox/routes.js';
import { SandboxProvider } from './sandbox/sandbox-provider.js';
import { serviceRoutes } from './services/routes.js';
import { ServiceSettings } from './services/service-settings.js';
import { ServiceStore } from './services/service-store.js';
import { templateRoutes } from './templates/routes.js';
import { TemplateStore } from './templates/template-store.js';
import { verificationRoutes } from './verifications/routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { OperatorStore } from './operator/operator-store.js';
import { operatorRoutes } from './operator/routes.js';
import { SilentEngine } from './operator/silent-engine.js';
import { NvTokens } from './operator/camara/nv-tokens.js';
import { camaraRoutes } from './operator/camara/routes.js';
import { startRadiusFeed } from './operator/radius-feed.js';
import type { RadiusAccountingListener } from './operator/radius/index.js';
import { WebhookSender } from './webhooks/webhook-sender.js';
import { WebhookService } from './webhooks/webhook-service.js';
import { WebhookStore } from './webhooks/webhook-store.js';
import { VerificationService } from './verifications/verification-service.js';
import { VerificationStore } from './verifications/verification-store.js';
import { packageVersion } from './lib/version.js';
import { createHmac } from 'node:crypto';
import { CallService } from './calls/call-service.js';
import { CallStore } from './calls/call-store.js';
import { NumberPool, NumberStore, numberRoutes, parseEntries } from './numbers/index.js';
import { INBOUND_NUMBERS_CHECK } from './numbers/settings.js';
import { PhoneStore } from './sandbox/phone-store.js';
import { phoneRoutes } from './sandbox/phone-routes.js';
import { VirtualPhone } from './sandbox/virtual-phone.js';
import { buildSilentRouter, type SilentRouter } from './silent/index.js';
import { silentRoutes } from './silent/routes.js';
import { claroRoutes } from './compat/claro/routes.js';
import { EventFanout, type CompatDeps } from './compat/compat-deps.js';
import { messageCentralRoutes, SqlVerificationNumbers } from './compat/messagecentral/index.js';
import { callbackUrlProblem, smscRoutes } from './compat/smsc/index.js';
import { checkNotifyUrl, DEFAULT_ZADARMA_SETTINGS, notifyUrlProblem, zadarmaRoutes } from './compat/zadarma/index.js';
import { COMPAT_SETTINGS, compatSettings } from './compat/settings.js';
import { ROUTE_CHANNELS_CHECK } from './delivery/route-settings.js';
import { credentialRoutes } from './compat/credentials/routes.js';
import { VendorCredentials } from './compat/credentials/vendor-credentials.js';
import { signedSoundUrl, soundFetchRoutes, soundRoutes, SoundStore } from './sounds/index.js';
import { OutboundGuard } from './net/outbound-guard.js';

const VERSION = packageVersion();

// The composition root hands the configuration the settings its features own: the vendor APIs'
// and the checks only a feature can make. Whoever loads the configuration in this process (the
// CLI, a test) gets them, because building the app needs this module.
registerSettings(...COMPAT_SETTINGS, INBOUND_NUMBERS_CHECK, ROUTE_CHANNELS_CHECK);

const SWEEP_MS = 30_000;

export interface BuildOptions {
  clock?: Clock;
  /** Replaces the providers of PROVIDERS (the sandbox is always there, by the name `sandbox`). */
  providers?: (deps: { inbox: InboxStore; phones: PhoneStore; clock: Clock; onReceipt: (provider: string, r: DeliveryReceipt) => void }) => MessageProvider[];
  /** PostgreSQL schema for this app's tables (test suites use one each). */
  schema?: string;
  logger?: Logger;
  /**
   * `apply` (the default) migrates the database; `verify` only refuses to start when a migration
   * is missing, for a process beside a server that owns the database (see lockDatabase).
   */
  migrations?: 'apply' | 'verify';
}

/** What the app is made of, reachable from tests and the CLI without going through HTTP. */
export interface Verity {
  config: Config;
  database: DatabaseHandle;
  accounts: AccountService;
  accountStore: AccountStore;
  keys: KeyService;
  verifications: VerificationService;
  verificationStore: VerificationStore;
  inbox: InboxStore;
  outbox: OutboxStore;
  worker: DeliveryWorker;
  router: ProviderRouter;
  breakers: Breakers;
  accountProviders: AccountProviders;
  webhooks: WebhookService;
  webhookSender: WebhookSender;
  operatorStore: OperatorStore;
  silent: SilentEngine;
  /** The RADIUS accounting listener, when RADIUS_PORT is set. */
  radius: RadiusAccountingListener | undefined;
  calls: CallService;
  callStore: CallStore;
  vendorCredentials: VendorCredentials;
  numbers: NumberPool;
  sounds: SoundStore;
  phone: VirtualPhone;
  silentRouter: SilentRouter;
  metrics: Metrics;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    verity: Verity;
  }
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    // Credentials never reach the log, whichever object carries them.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.code', 'secret', 'code'], censor: '[redacted]' },
  });
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

/**
 * Builds the whole server as a Fastify instance: infrastructure first (database, limits,
 * metrics), then the domain services, then the routes. It does not listen; `server.ts` does.
 */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config);
  const secrets = resolveSecrets(config);
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
    return await assemble(config, opts, { logger, secrets, database, redis });
  } catch (err) {
    // A configuration the providers or upstreams refuse must not leave connections open behind it.
    redis?.disconnect();
    await database.close().catch(() => undefined);
    throw err;
  }
}

interface Infrastructure {
  logger: Logger;
  secrets: ReturnType<typeof resolveSecrets>;
  database: DatabaseHandle;
  redis: Redis | undefined;
}

async function assemble(config: Config, opts: BuildOptions, infra: Infrastructure): Promise<App> {
  const { logger, secrets, database, redis } = infra;
  const clock = opts.clock ?? systemClock;
  const limiterFactory: LimiterFactory = await createLimiterFactory(await limiterStore(config, database, redis));

  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's own request lines print the URL, and a query string can hold a phone number.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (parent, bindings, opts) => new RequestLogger(parent as Logger, bindings, opts) as unknown as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 128 * 1024,
    // No type coercion: "6" is not a number and "Infinity" must not become one.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    frameworkErrors: frameworkError,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = database.db;
  const accountStore = new AccountStore(db);
  const keys = new KeyService(accountStore, clock, config.keyCacheTtlS * 1000);
  const tokens = new TokenService(secrets.tokenSigningKey, config.tokenTtlS, keys, clock);
  const accounts = new AccountService(db, accountStore, keys, clock);
  const prices = new PriceBook(accountStore, clock);
  const serviceStore = new ServiceStore(db);
  const templateStore = new TemplateStore(db);
  const inbox = new InboxStore(database);
  const verificationStore = new VerificationStore(database);
  const metrics = new Metrics();
  const phones = new PhoneStore(database);
  const sandbox = new SandboxProvider(inbox, phones, clock, config.sandbox.magic, config.sandbox.billable);
  // Receipts can arrive as soon as a provider connects, before the worker exists.
  let worker: DeliveryWorker | undefined;
  const onReceipt = (provider: string, r: DeliveryReceipt): void => {
    worker?.receipt(provider, r).catch((err: unknown) => logger.warn({ err, provider }, 'receipt failed'));
  };
  const baseUrl = publicUrl(config, config.port);
  // Two switches of one guard: what accounts configure, and the operator's own upstreams.
  const accountOutbound = new OutboundGuard(config.outbound.allowPrivate);
  const operatorOutbound = new OutboundGuard(config.outbound.providersAllowPrivate);
  const buildContext = { log: logger, clock, publicUrl: baseUrl, onReceipt };
  const configured = opts.providers?.({ inbox, phones, clock, onReceipt }) ?? buildProviders(config.providers ?? [], { ...buildContext, outbound: operatorOutbound });
  const breakers = new Breakers({ threshold: config.delivery.breakerThreshold, halfOpenMs: config.delivery.breakerHalfOpenMs });
  // A rule's prefix may be written `+55`; the router matches calling-code digits.
  const routes = (config.routes ?? []).map((r) => ({ channel: r.channel, prefix: r.prefix.replace(/^\+/, ''), provider: r.provider, priority: r.priority, weight: r.weight }));
  const router = new ProviderRouter([...configured.filter((p) => p.name !== 'sandbox'), sandbox], routes);
  const sealer = new Sealer(secrets.encryptionKey);
  const accountProviders = new AccountProviders(database, sealer, PROVIDER_TYPES, { ...buildContext, outbound: accountOutbound }, router, routes, clock);
  const routerFor = (accountId: string) => accountProviders.routerFor(accountId);
  const outbox = new OutboxStore(database);
  const webhookStore = new WebhookStore(database);
  const webhookSender = new WebhookSender(webhookStore, sealer, clock, logger, { ...config.webhooks, allowPrivate: config.outbound.allowPrivate, pollMs: config.delivery.pollMs });
  const webhooks = new WebhookService(webhookStore, sealer, clock, logger, config.outbound.allowPrivate, () => webhookSender.wake());
  const numberStore = new NumberStore(database);
  const numbers = new NumberPool(numberStore, parseEntries(config.inboundNumbers ?? [], 'INBOUND_NUMBERS').entries, Math.random, { clock });
  const sounds = new SoundStore(database);
  // A key of its own for sound URLs, derived so that it signs nothing else.
  // Keys for Verity's own signed tokens and URLs, each derived from the token signing key for one use.
  const derivedKey = (use: string): Buffer => createHmac('sha256', secrets.tokenSigningKey).update(`verity ${use}`).digest();
  const soundKey = derivedKey('sound urls');
  // Long enough for any call placed while its verification lives, retries included.
  const soundUrl = (id: string) => signedSoundUrl(baseUrl, id, soundKey, clock.now(), 86_400);
  const operatorStore = new OperatorStore(database);
  const silent = new SilentEngine(operatorStore, clock, config.operator.toleranceS * 1000);
  const silentRouter = buildSilentRouter(config.silentRoutes ?? [], { engine: silent, log: logger, clock, publicUrl: baseUrl, outbound: operatorOutbound });
  const serviceSettings = new ServiceSettings(serviceStore, config.verification);
  const events = new EventFanout(webhooks);
  const verifications = new VerificationService({
    store: verificationStore,
    settings: serviceSettings,
    templates: templateStore,
    accounts: accountStore,
    prices,
    routerFor,
    sandbox,
    outbox: { wake: () => worker?.wake() },
    limiters: {
      sendPerDestination: limiterFactory.create('send_dest', config.limits.sendPerDestination),
      startPerIp: limiterFactory.create('start_ip', config.limits.startPerIp),
      startPerAccount: limiterFactory.create('start_account', config.limits.startPerAccount),
    },
    guessBudget: config.limits.guessPerDestination,
    hasher: new CodeHasher(secrets.peppers),
    sealer,
    clock,
    events: metrics,
    magic: config.sandbox.magic,
    pools: numbers,
    silent: silentRouter,
    sounds: { exists: async (accountId, id) => (await sounds.get(accountId, id)) !== undefined, url: soundUrl },
    silentCheckInUrl: (token) => `${baseUrl.replace(/\/+$/, '')}/v1/silent/device/${token}`,
    callTiming: { ringS: config.calls.ringS, flashRingS: config.calls.flashRingS, gatherS: config.calls.gatherS },
    sink: events,
    log: logger,
  });
  worker = new DeliveryWorker({ store: outbox, routerFor, breakers, sealer, clock, log: logger, settings: config.delivery, listener: verifications.delivery });
  const callStore = new CallStore(database);
  const calls = new CallService({
    calls: callStore,
    outbox,
    verifications,
    verificationStore,
    receipt: (provider, r) => worker?.receipt(provider, r) ?? Promise.resolve(),
    brandOf: async (row) => (await serviceSettings.resolveOrDefault(row.account_id, row.service_id)).brand,
    soundUrl,
    clock,
    log: logger,
  });
  const vendorCredentials = new VendorCredentials(database, sealer, clock);
  const mcNumbers = new SqlVerificationNumbers(database);
  const phone = new VirtualPhone(phones, calls, operatorStore, silent, clock);
  const nvTokens = new NvTokens(secrets.tokenSigningKey, database, clock);
  const { radius: r } = config;
  const radius = r.port !== undefined && r.secret ? await startRadiusFeed({ port: r.port, host: r.host, secret: r.secret, account: r.account }, operatorStore, accountStore, clock, logger) : undefined;
  const idempotency = new IdempotencyService(new IdempotencyStore(database), clock, config.idempotencyTtlS * 1000);

  app.decorate('verity', {
    config,
    database,
    accounts,
    accountStore,
    keys,
    verifications,
    verificationStore,
    inbox,
    outbox,
    worker,
    router,
    breakers,
    accountProviders,
    webhooks,
    webhookSender,
    operatorStore,
    silent,
    radius,
    calls,
    callStore,
    vendorCredentials,
    numbers,
    sounds,
    phone,
    silentRouter,
    metrics,
    clock,
  } satisfies Verity);
  app.decorateRequest('principal', undefined);
  app.addSchema(Problem);
  installErrorHandler(app);
  await installDocs(app, { ui: config.docs, version: VERSION });
  metrics.install(app);

  const logRequests = logger.isLevelEnabled('info');
  app.addHook('onResponse', (req, reply, done) => {
    // Route pattern only: URLs can hold a phone number in the query string.
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (logRequests) req.log.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await database.ping();
      return { status: 'ready' };
    } catch {
      return reply
        .code(503)
        .type('application/problem+json')
        .send({ type: 'urn:verity:problem:unavailable', title: 'Database unavailable', status: 503, code: 'UNAVAILABLE', detail: 'the database did not answer', request_id: _req.id });
    }
  });

  await app.register(oauthRoutes(keys, tokens));
  await app.register(camaraRoutes(silent, nvTokens, keys, config.trustProxy));
  await app.register(
    callbackRoutes(
      (name) => accountProviders.byName(name),
      (provider, r) => worker?.receipt(provider, r),
      baseUrl,
      // An account's own provider speaks only for that account: its callbacks cannot approve anybody else's verifications.
      async (provider, events) => calls.handle(provider, events, await accountProviders.ownerOf(provider)),
    ),
  );
  await app.register(soundFetchRoutes(sounds, { clock, signingKey: soundKey }));
  await app.register(silentRoutes(silentRouter, verifications, config.trustProxy));
  // Vendor APIs for clients moving over, each at its vendor's own paths.
  const compat = compatSettings(config);
  if (compat.vendors.includes('claro')) {
    const signingKey = derivedKey('claro tokens');
    await app.register(claroRoutes(vendorCredentials, silent, clock, { ...compat.claro, signingKey }));
  }
  const compatDeps: CompatDeps = { credentials: vendorCredentials, verifications, accounts: accountStore, sounds, events, clock, log: logger };
  if (compat.vendors.includes('zadarma')) {
    await app.register(
      zadarmaRoutes(compatDeps, { allowPrivate: config.outbound.allowPrivate, soundMaxBytes: config.calls.soundMaxBytes, soundsPerAccount: config.calls.soundsPerAccount, ...compat.zadarma }),
    );
  }
  if (compat.vendors.includes('smsc')) {
    // The handler callback goes where the account says, under the same SSRF rule as webhooks.
    await app.register(smscRoutes(compatDeps, { allowPrivate: config.outbound.allowPrivate, ...compat.smsc }));
  }
  if (compat.vendors.includes('messagecentral')) {
    // HS512 tokens under a key of their own, derived so that it signs nothing else.
    const signingKey = derivedKey('messagecentral tokens');
    await app.register(messageCentralRoutes(compatDeps, { ...compat.messagecentral, signingKey, numbers: mcNumbers }));
  }
  const authenticate = authenticator(keys, tokens);
  await app.register(async (scope: App) => {
    scope.addHook('onRequest', authenticate);
    await scope.register(verificationRoutes(verifications, idempotency));
    await scope.register(serviceRoutes(serviceStore, clock));
    await scope.register(templateRoutes(templateStore, clock));
    await scope.register(accountRoutes(accounts, accountStore, keys, prices));
    await scope.register(sandboxRoutes(inbox));
    await scope.register(phoneRoutes(phone, inbox));
    await scope.register(numberRoutes(numbers, numberStore, clock));
    // A vendor URL setting is the account's choice: its address is checked when it is saved, as a
    // webhook's is; Zadarma's notify_url must also echo zd_echo back, as Zadarma checks it.
    const zadarmaEcho = { ...DEFAULT_ZADARMA_SETTINGS, ...compat.zadarma };
    const { allowPrivate } = config.outbound;
    await scope.register(
      credentialRoutes(vendorCredentials, async (vendor, settings) => {
        if (vendor === 'smsc' && typeof settings.callback_url === 'string' && settings.callback_url !== '') return callbackUrlProblem(settings.callback_url, allowPrivate);
        if (vendor !== 'zadarma' || typeof settings.notify_url !== 'string') return undefined;
        if (!zadarmaEcho.notifyEchoCheck) return notifyUrlProblem(settings.notify_url, allowPrivate);
        const r = await checkNotifyUrl(settings.notify_url, zadarmaEcho.notifyTimeoutMs, allowPrivate);
        return r.ok ? undefined : r.problem;
      }),
    );
    await scope.register(soundRoutes(sounds, { clock, signingKey: soundKey, publicUrl: baseUrl, maxBytes: config.calls.soundMaxBytes, maxPerAccount: config.calls.soundsPerAccount }));
    await scope.register(webhookRoutes(webhooks));
    await scope.register(providerRoutes(accountProviders));
    await scope.register(operatorRoutes(operatorStore, silent, clock));
  });

  const sweeper = setInterval(() => {
    Promise.all([
      verifications.sweep(),
      idempotency.sweep(),
      operatorStore.purge(clock.now() - config.operator.retentionDays * 86_400_000),
      nvTokens.purge(clock.now()),
      mcNumbers.purge(clock.now() - 2 * 86_400_000),
    ]).catch((err: unknown) => logger.warn({ err }, 'sweep failed'));
  }, SWEEP_MS);
  sweeper.unref();
  // Workflow steps that time out move on within a second, on instances that run the worker.
  const stepper = config.delivery.worker ? setInterval(() => verifications.sweepSteps().catch((err: unknown) => logger.warn({ err }, 'workflow step sweep failed')), 1000).unref() : undefined;
  if (config.delivery.worker) {
    worker.start();
    webhookSender.start();
  }

  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    clearInterval(stepper);
    await radius?.stop();
    await worker?.stop();
    await webhooks.flush();
    await webhookSender.stop();
    await Promise.allSettled(router.all().map((p) => p.close?.()));
    await accountProviders.close();
    await Promise.allSettled([accountOutbound.close(), operatorOutbound.close()]);
    await limiterFactory.close();
    redis?.disconnect();
    await database.close();
  });
  return app;
}
