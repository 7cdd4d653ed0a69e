import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { EventFanout } from './event-fanout.js';

/** Verification events for the account's webhooks and for the vendor APIs that push results. */
export const events = fp(
  async (app: App) => {
    app.parts.events = new EventFanout(app.verity.webhooks);
  },
  { name: 'events', dependencies: ['webhooks'] },
);
