import fp from 'fastify-plugin';
import { settingsOf } from '../config/index.js';
import type { App } from '../http/types.js';
import { GeoPermissions } from './geo-permissions.js';
import { GeoStore } from './geo-store.js';
import { fraudRoutes } from './routes.js';
import { FRAUD_SETTINGS } from './settings.js';

/** Fraud and cost control: geo permissions, checked on every start and resend before anything is written. */
export const fraud = fp(
  async (app: App) => {
    const { config, database, clock, metrics } = app.core;
    const settings = settingsOf(config, FRAUD_SETTINGS);
    const geo = new GeoPermissions(
      new GeoStore(database),
      { allowed: settings.fraud.geoAllow, blocked: settings.fraud.geoBlock },
      clock,
      async (accountId, serviceId) => {
        await app.parts.serviceSettings.resolve(accountId, serviceId);
      },
      metrics,
    );
    app.parts.geo = geo;
    await app.parts.authenticated(app, fraudRoutes(geo));
  },
  { name: 'fraud', dependencies: ['infrastructure', 'accounts', 'services'] },
);
