import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { NumberPool, numberRoutes, parseEntries } from './index.js';
import { NumberStore } from './number-store.js';

/** The inbound number pool: the operator's configured numbers and the accounts' own. */
export const numbers = fp(
  async (app: App) => {
    const { config, database, clock } = app.core;
    const numberStore = new NumberStore(database);
    const numbers = new NumberPool(numberStore, parseEntries(config.inboundNumbers ?? [], 'INBOUND_NUMBERS').entries, Math.random, { clock });
    app.verity.numbers = numbers;
    await app.parts.authenticated(app, numberRoutes(numbers, numberStore, clock));
  },
  { name: 'numbers', dependencies: ['infrastructure', 'accounts'] },
);
