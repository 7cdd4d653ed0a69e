import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { serviceRoutes } from './routes.js';
import { ServiceSettings } from './service-settings.js';
import { ServiceStore } from './service-store.js';

/** Verification services (an account's named settings). */
export const services = fp(
  async (app: App) => {
    const { config, database, clock } = app.core;
    const serviceStore = new ServiceStore(database.db);
    const serviceSettings = new ServiceSettings(serviceStore, config.verification);
    Object.assign(app.parts, { serviceStore, serviceSettings });
    await app.parts.authenticated(app, serviceRoutes(serviceStore, clock));
  },
  { name: 'services', dependencies: ['infrastructure', 'accounts'] },
);
