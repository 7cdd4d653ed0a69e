import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { EventFanout } from './event-fanout.js';
import { EventLog } from './event-log.js';
import { EventLogStore } from './event-log-store.js';

/** Verification events for the account's webhooks and the vendor APIs that push results, and the timeline log. */
export const events = fp(
  async (app: App) => {
    app.parts.events = new EventFanout();
    app.parts.eventLog = new EventLog(new EventLogStore(app.core.database), app.core.clock);
  },
  { name: 'events', dependencies: ['infrastructure'] },
);
