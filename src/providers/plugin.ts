import fp from 'fastify-plugin';
import type { DeliveryReceipt } from '../kernel/message.js';
import { Breakers, ProviderRouter } from '../delivery/router.js';
import type { App } from '../http/types.js';
import type { ProviderFactory } from '../verity.js';
import { AccountProviders } from './account-providers.js';
import { buildProviders, PROVIDER_TYPES } from './index.js';
import { callbackRoutes } from './callback-routes.js';
import { providerRoutes } from './routes.js';

export interface ProvidersOptions {
  /** Replaces the providers of PROVIDERS (the sandbox is always there, by the name `sandbox`). */
  providers?: ProviderFactory | undefined;
}

/** The operator's providers, the accounts' own, the routing rules between them and their breakers. */
export const providers = fp(
  async (app: App, opts: ProvidersOptions) => {
    const { config, logger, clock, baseUrl, sealer, database, operatorOutbound, accountOutbound } = app.core;
    const { inbox } = app.verity;
    const { phones, sandbox } = app.parts;
    // Receipts can arrive as soon as a provider connects, before the delivery plugin builds the worker.
    const onReceipt = (provider: string, r: DeliveryReceipt): void => {
      (app.verity.worker as typeof app.verity.worker | undefined)?.receipt(provider, r).catch((err: unknown) => logger.warn({ err, provider }, 'receipt failed'));
    };
    const buildContext = { log: logger, clock, publicUrl: baseUrl, onReceipt };
    const configured = opts.providers?.({ inbox, phones, clock, onReceipt }) ?? buildProviders(config.providers ?? [], { ...buildContext, outbound: operatorOutbound });
    const breakers = new Breakers({ threshold: config.delivery.breakerThreshold, halfOpenMs: config.delivery.breakerHalfOpenMs });
    // A rule's prefix may be written `+55`; the router matches calling-code digits.
    const routes = (config.routes ?? []).map((r) => ({ channel: r.channel, prefix: r.prefix.replace(/^\+/, ''), provider: r.provider, priority: r.priority, weight: r.weight }));
    const router = new ProviderRouter([...configured.filter((p) => p.name !== 'sandbox'), sandbox], routes);
    const accountProviders = new AccountProviders(database, sealer, PROVIDER_TYPES, { ...buildContext, outbound: accountOutbound }, router, routes, clock);
    Object.assign(app.verity, { router, breakers, accountProviders });
    app.addHook('onClose', async () => {
      await Promise.allSettled(router.all().map((p) => p.close?.()));
      await accountProviders.close();
    });
    await app.parts.authenticated(app, providerRoutes(accountProviders));
    // Vendors' callbacks carry no Verity credentials. The worker and the call service they feed are
    // built by plugins registered later, before the first request.
    await app.register(
      callbackRoutes(
        (name) => accountProviders.byName(name),
        (provider, r) => app.verity.worker.receipt(provider, r),
        baseUrl,
        // An account's own provider speaks only for that account: its callbacks cannot approve anybody else's verifications.
        async (provider, events) => app.verity.calls.handle(provider, events, await accountProviders.ownerOf(provider)),
      ),
    );
  },
  { name: 'providers', dependencies: ['infrastructure', 'accounts', 'sandbox'] },
);
