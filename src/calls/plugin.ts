import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CallService } from './call-service.js';
import { CallStore } from './call-store.js';

/** Calls: voice codes, IVR, flash and reverse calls, driven by the providers' callbacks. */
export const calls = fp(
  async (app: FastifyInstance) => {
    const { clock, logger } = app.core;
    const v = app.verity;
    const callStore = new CallStore(app.core.database);
    const calls = new CallService({
      calls: callStore,
      outbox: v.outbox,
      verifications: v.verifications,
      verificationStore: v.verificationStore,
      receipt: (provider, r) => v.worker.receipt(provider, r),
      brandOf: async (row) => (await app.parts.serviceSettings.resolveOrDefault(row.account_id, row.service_id)).brand,
      soundUrl: app.parts.soundUrl,
      clock,
      log: logger,
    });
    Object.assign(v, { calls, callStore });
  },
  { name: 'calls', dependencies: ['infrastructure', 'services', 'sounds', 'providers', 'verifications', 'delivery'] },
);
