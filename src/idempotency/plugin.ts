import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IdempotencyService } from './idempotency-service.js';
import { IdempotencyStore } from './idempotency-store.js';

/** Replays of a request sent again under the same Idempotency-Key. */
export const idempotency = fp(
  async (app: FastifyInstance) => {
    const { config, database, clock } = app.core;
    const idempotency = new IdempotencyService(new IdempotencyStore(database), clock, config.idempotencyTtlS * 1000);
    app.parts.idempotency = idempotency;
    app.core.sweep(() => idempotency.sweep());
  },
  { name: 'idempotency', dependencies: ['infrastructure'] },
);
