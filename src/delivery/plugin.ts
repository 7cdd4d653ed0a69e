import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { callbackRoutes } from './callback-routes.js';
import { OutboxStore } from './outbox-store.js';
import { DeliveryWorker } from './outbox-worker.js';

/** The outbox and the worker that sends it through the providers. */
export const delivery = fp(
  async (app: App) => {
    const { config, sealer, clock, logger } = app.core;
    const v = app.verity;
    const outbox = new OutboxStore(app.core.database);
    const worker = new DeliveryWorker({
      store: outbox,
      routerFor: (accountId) => v.accountProviders.routerFor(accountId),
      breakers: v.breakers,
      sealer,
      clock,
      log: logger,
      settings: config.delivery,
      listener: v.verifications.delivery,
    });
    Object.assign(v, { outbox, worker });
    if (config.delivery.worker) worker.start();
    // Stops before the webhooks, providers and database it uses, which were registered before it.
    app.addHook('onClose', async () => worker.stop());
    await app.register(
      callbackRoutes(
        (name) => v.accountProviders.byName(name),
        (provider, r) => worker.receipt(provider, r),
        app.core.baseUrl,
        // An account's own provider speaks only for that account: its callbacks cannot approve anybody
        // else's verifications. The calls plugin, registered next, has built the service by the first request.
        async (provider, events) => v.calls.handle(provider, events, await v.accountProviders.ownerOf(provider)),
      ),
    );
  },
  { name: 'delivery', dependencies: ['infrastructure', 'providers', 'verifications'] },
);
