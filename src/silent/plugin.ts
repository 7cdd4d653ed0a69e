import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { buildSilentRouter } from './index.js';
import { NvTokens } from './number-verification/nv-tokens.js';
import { camaraRoutes } from './number-verification/routes.js';
import { operatorRoutes } from './operator-routes.js';
import { OperatorStore } from './operator-store.js';
import { startRadiusFeed } from './radius/feed.js';
import { silentRoutes } from './routes.js';
import { SilentEngine } from './silent-engine.js';
import { SimulatedOperator } from './simulated-operator.js';

/**
 * Silent verification: the operator sessions (RADIUS feed, CAMARA number verification, the
 * sandbox's simulated operator), the engine over them, the upstreams SILENT_ROUTES chooses, and
 * the device check-in that completes a verification.
 */
export const silent = fp(
  async (app: App) => {
    const { config, database, secrets, clock, logger, baseUrl, operatorOutbound } = app.core;
    const v = app.verity;
    const operatorStore = new OperatorStore(database);
    const engine = new SilentEngine(operatorStore, clock, config.operator.toleranceS * 1000);
    const nvTokens = new NvTokens(secrets.tokenSigningKey, database, clock);
    const { radius: r } = config;
    const radius = r.port !== undefined && r.secret ? await startRadiusFeed({ port: r.port, host: r.host, secret: r.secret, account: r.account }, operatorStore, v.accounts, clock, logger) : undefined;
    app.addHook('onClose', async () => radius?.stop());
    const silentRouter = buildSilentRouter(config.silentRoutes ?? [], { engine, log: logger, clock, publicUrl: baseUrl, outbound: operatorOutbound });
    Object.assign(v, { operatorStore, silent: engine, radius, silentRouter });
    app.parts.simulatedOperator = new SimulatedOperator(operatorStore, engine, clock);
    app.core.sweep(() => operatorStore.purge(clock.now() - config.operator.retentionDays * 86_400_000));
    app.core.sweep(() => nvTokens.purge(clock.now()));
    await app.register(camaraRoutes(engine, nvTokens, v.keys, config.trustProxy));
    await app.parts.authenticated(app, operatorRoutes(operatorStore, engine, clock));
    // The check-in settles a verification: the verifications plugin, registered later, has built
    // the service by the first request.
    const outcomes = {
      silentCheckIn: (token: string, device: { ip: string; port: number | undefined }) => v.verifications.silentCheckIn(token, device),
      silentAnswer: (verificationId: string, outcome: string) => v.verifications.silentAnswer(verificationId, outcome),
    };
    await app.register(silentRoutes(silentRouter, outcomes, config.trustProxy));
  },
  { name: 'silent', dependencies: ['infrastructure', 'accounts'] },
);
