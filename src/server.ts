import { buildApp, createLogger } from './app.js';
import type { Config } from './config/index.js';
import { publicUrl } from './config/public-url.js';
import { lockDatabase } from './db/database-lock.js';
import { sqlitePath } from './db/database-url.js';
import type { App } from './http/types.js';
import { StartupError } from './lib/startup-error.js';

export { publicUrl };

/**
 * How long a starting server waits for the database lock: long enough for a `keys create` or
 * `worker` that holds it while it checks the schema, far shorter than a server holds it.
 */
const LOCK_WAIT_MS = 3_000;

/** Why the socket could not be bound, in one line that says what to change. */
function listenError(err: Error & { code?: string }, config: Config): Error {
  const where = `port ${config.port} on ${config.host}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`${where} is in use; set PORT or stop the other server`);
    case 'EACCES':
      return new StartupError(`${where} needs privileges this process lacks; set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`${config.host} is not an address of this machine; set HOST`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`the host name ${config.host} is not known; set HOST`);
    default:
      return err;
  }
}

/**
 * Boots the server: build, bootstrap an empty database, listen, print where to go. The API key
 * of a fresh database is written to the terminal once and never to the log.
 */
export async function serve(config: Config): Promise<App> {
  const lock = lockDatabase(config.databaseUrl, LOCK_WAIT_MS);
  if (!lock.held) {
    throw new StartupError(`another verity server is running on ${sqlitePath(config.databaseUrl)} (it holds ${lock.file}); stop it first, or set DATABASE_URL to another database`);
  }
  const logger = createLogger(config);
  let app: App;
  try {
    app = await buildApp(config, { logger });
  } catch (err) {
    lock.release();
    throw err;
  }
  // Released only once the database is closed (an onClose hook added here would run before buildApp's).
  const close = () => app.close().finally(() => lock.release());
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await close();
    throw listenError(err as Error, config);
  }
  // After listen: a fresh database's only sight of its key must not be lost to a busy port.
  const issued = await app.verity.accounts.bootstrap();
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
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return app;
}
