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
      timeline: app.parts.eventLog,
      outbox: app.parts.outbox,
      verifications: app.parts.callVerifications,
      receipt: (provider, r) => v.worker.receipt(provider, r),
      soundUrl: app.parts.soundUrl,
      clock,
      log: logger,
    });
    Object.assign(v, { calls, callStore });
  },
  { name: 'calls', dependencies: ['infrastructure', 'events', 'services', 'sounds', 'providers', 'outbox', 'verifications', 'delivery'] },
);
