import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { Outbox } from './outbox.js';
import { OutboxStore } from './outbox-store.js';
import { DeliveryWorker } from './outbox-worker.js';

/** The outbox, where verifications queue their messages (registered before them). */
export const outbox = fp(
  async (app: App) => {
    const store = new OutboxStore(app.core.database);
    app.verity.outbox = store;
    app.parts.outbox = new Outbox(store);
  },
  { name: 'outbox', dependencies: ['infrastructure'] },
);

/** The worker that sends the outbox through the providers and reports outcomes to the verifications. */
export const delivery = fp(
  async (app: App) => {
    const { config, sealer, clock, logger } = app.core;
    const v = app.verity;
    const worker = new DeliveryWorker({
      store: v.outbox,
      routerFor: (accountId) => v.accountProviders.routerFor(accountId),
      breakers: v.breakers,
      sealer,
      clock,
      log: logger,
      settings: config.delivery,
      listener: v.verifications.delivery,
      timeline: app.parts.eventLog,
    });
    v.worker = worker;
    app.parts.outbox.onQueued(() => worker.wake());
    if (config.delivery.worker) worker.start();
    // Stops before the webhooks, providers and database it uses, which were registered before it.
    app.addHook('onClose', async () => worker.stop());
  },
  { name: 'delivery', dependencies: ['infrastructure', 'events', 'outbox', 'providers', 'verifications'] },
);
