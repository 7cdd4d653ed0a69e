import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { AnalyticsService } from './analytics-service.js';
import { analyticsRoutes } from './routes.js';
import { RollupStore } from './rollup-store.js';
import { Rollups } from './rollups.js';

/** Conversion and delivery analytics: rollups kept in step with the event log, and the routes that read them. */
export const analytics = fp(
  async (app: App) => {
    const { database, clock, metrics } = app.core;
    const store = new RollupStore(database);
    app.parts.eventLog.onAppend(new Rollups(store, metrics).hear);
    app.parts.approvalsTo = (accountId, country, from) => store.approvalsTo(accountId, country, from);
    const service = new AnalyticsService(store, clock, async (accountId) => (await app.verity.accounts.find(accountId))?.currency ?? 'USD');
    await app.parts.authenticated(app, analyticsRoutes(service));
  },
  { name: 'analytics', dependencies: ['infrastructure', 'accounts', 'events'] },
);
