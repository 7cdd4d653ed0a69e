import fp from 'fastify-plugin';
import { CodeHasher } from '../crypto/code-hasher.js';
import type { App } from '../http/types.js';
import { callVerifications } from './call-verifications.js';
import { Pseudonyms } from './pseudonym.js';
import { Retention } from './retention.js';
import { RetentionStore } from './retention-store.js';
import { verificationRoutes } from './routes.js';
import { VerificationSearchStore } from './search-store.js';
import { VerificationSearch } from './verification-search.js';
import { VerificationService } from './verification-service.js';
import { VerificationStore } from './verification-store.js';

/** Verifications: start, deliver, check; the sweeps of expired ones and of timed-out workflow steps. */
export const verifications = fp(
  async (app: App) => {
    const { config, database, secrets, limiters, sealer, clock, metrics, logger, baseUrl } = app.core;
    const v = app.verity;
    const p = app.parts;
    const verificationStore = new VerificationStore(database);
    const verifications = new VerificationService({
      store: verificationStore,
      settings: p.serviceSettings,
      templates: p.templates,
      prices: p.prices,
      routerFor: (accountId) => v.accountProviders.routerFor(accountId),
      sandbox: p.sandbox,
      outbox: p.outbox,
      limiters: {
        sendPerDestination: limiters.create('send_dest', config.limits.sendPerDestination),
        startPerIp: limiters.create('start_ip', config.limits.startPerIp),
        startPerAccount: limiters.create('start_account', config.limits.startPerAccount),
      },
      guessBudget: config.limits.guessPerDestination,
      hasher: new CodeHasher(secrets.peppers),
      sealer,
      clock,
      events: metrics,
      magic: config.sandbox.magic,
      pools: v.numbers,
      silent: v.silentRouter,
      sounds: { exists: async (accountId, id) => (await p.sounds.get(accountId, id)) !== undefined, url: p.soundUrl },
      silentCheckInUrl: (token) => `${baseUrl.replace(/\/+$/, '')}/v1/silent/device/${token}`,
      callTiming: { ringS: config.calls.ringS, flashRingS: config.calls.flashRingS, gatherS: config.calls.gatherS },
      sink: p.events,
      screen: p.screen,
      spend: p.spend,
      timeline: p.eventLog,
      log: logger,
    });
    Object.assign(v, { verifications, verificationStore });
    const brandOf = async (accountId: string, serviceId: string | null) => (await p.serviceSettings.resolveOrDefault(accountId, serviceId)).brand;
    p.callVerifications = callVerifications(verifications, verificationStore, brandOf);
    app.core.sweep(() => verifications.sweep());
    if (config.delivery.worker) {
      // Workflow steps that time out move on within a second, on instances that run the worker.
      const stepper = setInterval(() => verifications.sweepSteps().catch((err: unknown) => logger.warn({ err }, 'workflow step sweep failed')), 1000).unref();
      app.addHook('preClose', async () => clearInterval(stepper));
    }
    // Destinations past PII_RETENTION_DAYS become keyed hashes, under a key that signs nothing else.
    const pseudonyms = new Pseudonyms(app.core.derivedKey('destination pseudonyms'));
    const retention = new Retention(new RetentionStore(database), () => [p.outbox, p.eventLog, v.calls, p.sandboxRecords], pseudonyms, clock, config.retention);
    v.retention = retention;
    app.core.sweep(() => retention.sweep());
    const search = new VerificationSearch(new VerificationSearchStore(database), pseudonyms, clock);
    await app.parts.authenticated(app, verificationRoutes(verifications, search, p.eventLog, p.idempotency));
  },
  { name: 'verifications', dependencies: ['infrastructure', 'accounts', 'services', 'templates', 'sandbox', 'providers', 'numbers', 'sounds', 'silent', 'events', 'idempotency', 'outbox', 'fraud'] },
);
