import fp from 'fastify-plugin';
import { PriceBook } from './price-book.js';
import { authenticator } from './authenticate.js';
import type { App } from '../http/types.js';
import type { RoutePlugin } from '../verity.js';
import { AccountService } from './account-service.js';
import { AccountStore } from './account-store.js';
import { KeyService } from './key-service.js';
import { oauthRoutes } from './oauth-routes.js';
import { accountRoutes } from './routes.js';
import { TokenService } from './token-service.js';

/** Accounts, API keys, OAuth tokens and prices; gives the others the authenticated scope. */
export const accounts = fp(
  async (app: App) => {
    const { config, database, secrets, clock } = app.core;
    const accountStore = new AccountStore(database.db);
    const keys = new KeyService(accountStore, clock, config.keyCacheTtlS * 1000);
    const tokens = new TokenService(secrets.tokenSigningKey, config.tokenTtlS, keys, clock);
    const accounts = new AccountService(database.db, accountStore, keys, clock);
    const prices = new PriceBook(accountStore, clock);
    const authenticate = authenticator(keys, tokens);
    const authenticated = async (instance: App, ...routes: RoutePlugin[]): Promise<void> => {
      await instance.register(async (scope: App) => {
        scope.addHook('onRequest', authenticate);
        for (const r of routes) await scope.register(r);
      });
    };
    Object.assign(app.verity, { accounts, accountStore, keys });
    Object.assign(app.parts, { tokens, prices, authenticated });
    await app.register(oauthRoutes(keys, tokens));
    await authenticated(app, accountRoutes(accounts, accountStore, keys, prices));
  },
  { name: 'accounts', dependencies: ['infrastructure'] },
);
