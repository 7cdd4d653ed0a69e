import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { NvTokens } from './camara/nv-tokens.js';
import { camaraRoutes } from './camara/routes.js';
import { OperatorStore } from './operator-store.js';
import { startRadiusFeed } from './radius-feed.js';
import { operatorRoutes } from './routes.js';
import { SilentEngine } from './silent-engine.js';

/** Operator sessions (RADIUS feed, CAMARA number verification) and the silent engine over them. */
export const operator = fp(
  async (app: App) => {
    const { config, database, secrets, clock, logger } = app.core;
    const operatorStore = new OperatorStore(database);
    const silent = new SilentEngine(operatorStore, clock, config.operator.toleranceS * 1000);
    const nvTokens = new NvTokens(secrets.tokenSigningKey, database, clock);
    const { radius: r } = config;
    const radius =
      r.port !== undefined && r.secret ? await startRadiusFeed({ port: r.port, host: r.host, secret: r.secret, account: r.account }, operatorStore, app.verity.accountStore, clock, logger) : undefined;
    app.addHook('onClose', async () => radius?.stop());
    Object.assign(app.verity, { operatorStore, silent, radius });
    app.core.sweep(() => operatorStore.purge(clock.now() - config.operator.retentionDays * 86_400_000));
    app.core.sweep(() => nvTokens.purge(clock.now()));
    await app.register(camaraRoutes(silent, nvTokens, app.verity.keys, config.trustProxy));
    await app.parts.authenticated(app, operatorRoutes(operatorStore, silent, clock));
  },
  { name: 'operator', dependencies: ['infrastructure', 'accounts'] },
);
