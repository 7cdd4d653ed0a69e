import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { buildSilentRouter } from './index.js';
import { silentRoutes } from './routes.js';

/** Silent verification's upstreams (operator APIs, the engine), chosen by SILENT_ROUTES. */
export const silent = fp(
  async (app: App) => {
    const { config, logger, clock, baseUrl, operatorOutbound } = app.core;
    app.verity.silentRouter = buildSilentRouter(config.silentRoutes ?? [], { engine: app.verity.silent, log: logger, clock, publicUrl: baseUrl, outbound: operatorOutbound });
  },
  { name: 'silent', dependencies: ['infrastructure', 'operator'] },
);

/** The device check-in of silent verification, which completes a verification. */
export const silentCheckIn = fp(
  async (app: App) => {
    await app.register(silentRoutes(app.verity.silentRouter, app.verity.verifications, app.core.config.trustProxy));
  },
  { name: 'silent-check-in', dependencies: ['silent', 'verifications'] },
);
