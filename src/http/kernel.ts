import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { clientErrorHandler } from './client-error.js';
import { installDocs } from './docs.js';
import { frameworkError, installErrorHandler } from './error-handler.js';
import { RequestLogger } from './request-logger.js';
import { Problem } from './schemas.js';
import type { App } from './types.js';

export interface HttpOptions {
  /** The server's logger; each request logs through a child that keeps phone numbers and secrets out. */
  logger?: Logger | undefined;
  trustProxy?: Config['trustProxy'] | undefined;
  /** The OpenAPI document at /openapi.json, and the reference UI at /docs when `ui`. */
  docs?: { ui: boolean; version: string } | undefined;
}

/**
 * The HTTP kernel every Verity route runs in: the body limit, schema validation without coercion
 * or stripping, problem+json for whatever the framework, the parser or a route refuses, the
 * caller slot authentication fills, and the OpenAPI document. `buildApp` builds the server on it;
 * route tests build a bare one, so a route behaves the same in both.
 */
export async function createHttp(opts: HttpOptions = {}): Promise<App> {
  const app = fastify({
    ...(opts.logger
      ? {
          loggerInstance: opts.logger as FastifyBaseLogger,
          // Fastify's own request lines print the URL, and a query string can hold a phone number.
          logController: new LogController({ disableRequestLogging: true }),
          childLoggerFactory: (parent, bindings, childOpts) => new RequestLogger(parent as Logger, bindings, childOpts) as unknown as FastifyBaseLogger,
        }
      : {}),
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 128 * 1024,
    // No type coercion: "6" is not a number and "Infinity" must not become one.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    frameworkErrors: frameworkError,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', undefined);
  app.addSchema(Problem);
  installErrorHandler(app);
  if (opts.docs) await installDocs(app, opts.docs);
  return app;
}
