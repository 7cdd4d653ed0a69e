import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { webhookRoutes } from './routes.js';
import { LEASE_MS, WebhookSender } from './webhook-sender.js';
import { WebhookService } from './webhook-service.js';
import { WebhookStore } from './webhook-store.js';

/** Webhook endpoints and the sender that delivers their events. */
export const webhooks = fp(
  async (app: App) => {
    const { config, database, sealer, clock, logger } = app.core;
    const webhookStore = new WebhookStore(database);
    const webhookSender = new WebhookSender(
      webhookStore,
      sealer,
      clock,
      logger,
      { ...config.webhooks, allowPrivate: config.outbound.allowPrivate, pollMs: config.delivery.pollMs },
      app.parts.eventLog,
    );
    const webhooks = new WebhookService(
      webhookStore,
      sealer,
      clock,
      logger,
      config.outbound.allowPrivate,
      () => webhookSender.wake(),
      (d) => webhookSender.sendNow(d),
      LEASE_MS,
    );
    Object.assign(app.verity, { webhooks, webhookSender });
    app.parts.events.subscribe((e) => webhooks.emit(e));
    if (config.delivery.worker) webhookSender.start();
    // Closed after the delivery worker (registered later), whose last outcomes still raise events.
    app.addHook('onClose', async () => {
      await webhooks.flush();
      await webhookSender.stop();
    });
    await app.parts.authenticated(app, webhookRoutes(webhooks));
  },
  { name: 'webhooks', dependencies: ['infrastructure', 'accounts', 'events'] },
);
