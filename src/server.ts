import { buildApp, createLogger } from './app.js';
import type { Config } from './config/index.js';
import { publicUrl } from './config/public-url.js';
import type { App } from './http/types.js';

export { publicUrl };

/**
 * Boots the server: build, bootstrap an empty database, listen, print where to go. The API key
 * of a fresh database is written to the terminal once and never to the log.
 */
export async function serve(config: Config): Promise<App> {
  const logger = createLogger(config);
  const app = await buildApp(config, { logger });
  const issued = await app.verity.accounts.bootstrap();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = publicUrl(config, port);
  const lines = [
    '',
    `Verity is listening on ${base}`,
    `  API reference  ${base}/docs`,
    `  OpenAPI        ${base}/openapi.json`,
    `  Health         ${base}/healthz`,
    `  Database       ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
  ];
  if (issued) {
    lines.push(
      '',
      'A new database: created the operator account and its API key (shown only now, keep it):',
      `  key id   ${issued.key_id}`,
      `  secret   ${issued.secret}`,
      '',
      `  export VERITY_KEY='${issued.key_id}:${issued.secret}'`,
      `  curl -u "$VERITY_KEY" ${base}/v1/balance`,
    );
  } else {
    lines.push('', 'Need an API key?  npm run verity -- keys create');
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return app;
}
