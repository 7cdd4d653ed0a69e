import { createLogger } from '../app.js';
import { migrate, openDatabase } from '../db/database.js';
import { lockDatabase } from '../db/database-lock.js';
import { sqlitePath } from '../db/database-url.js';
import { checkPostgres } from '../db/postgres-check.js';
import { StartupError } from '../lib/startup-error.js';
import { serve } from '../server.js';
import { besideServer } from './app-context.js';
import type { Command } from './command.js';

/** The outbox worker on its own: the same app without a listening socket, until SIGINT or SIGTERM. */
async function runWorker(config: Parameters<typeof serve>[0]): Promise<void> {
  const logger = createLogger(config);
  const app = await besideServer({ ...config, delivery: { ...config.delivery, worker: true } }, { logger });
  logger.info({ providers: app.verity.router.all().map((p) => p.name) }, 'delivery worker running');
  // The worker's own timers do not hold the process open (a server's socket does that); this does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'delivery worker stopping');
      clearInterval(keepAlive);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await app.close();
}

export const serverCommands: Command[] = [
  {
    name: 'serve',
    summary: 'run the HTTP server (what npm start runs)',
    example: 'PORT=8080 verity serve',
    configured: true,
    run: async ({ config }) => {
      await serve(config);
      return undefined;
    },
  },
  {
    name: 'worker',
    summary: 'run only the delivery worker (no HTTP) until stopped; pair with DELIVERY_WORKER=false on the servers',
    example: 'DELIVERY_WORKER=false verity serve & verity worker',
    configured: true,
    run: async ({ config }) => {
      await runWorker(config);
      return undefined;
    },
  },
  {
    name: 'migrate',
    summary: 'apply database migrations and exit (refused while a server owns the database)',
    example: 'DATABASE_URL=sqlite:./data/verity.db verity migrate',
    configured: true,
    run: async ({ config, out }) => {
      // Only the database's owner changes its schema: beside a running server, refuse.
      const lock = lockDatabase(config.databaseUrl, 0);
      if (!lock.held)
        throw new StartupError(`a verity server is running on ${sqlitePath(config.databaseUrl)} (it holds ${lock.file}); stop it, then migrate (or start it again: serve migrates when it starts)`);
      const db = openDatabase(config.databaseUrl);
      try {
        if (db.dialect === 'postgres') await checkPostgres(config.databaseUrl);
        const applied = await migrate(db);
        out(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
      } finally {
        await db.close();
        lock.release();
      }
      return undefined;
    },
  },
];
