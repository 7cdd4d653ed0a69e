import { pino } from 'pino';
import { buildApp, type BuildOptions } from '../app.js';
import type { Config } from '../config/index.js';
import { lockDatabase } from '../db/database-lock.js';
import type { AccountTable } from '../db/schema.js';
import type { App } from '../http/types.js';
import { CliFailure, type Invocation } from './command.js';

/**
 * The app for a command that may run beside a server (`keys create`, `worker`). It migrates only
 * while no server owns the database; beside one, it starts only if the schema is already current,
 * so that a newer build never changes the schema under a running older server.
 */
export async function besideServer(config: Config, opts: Omit<BuildOptions, 'migrations'>): Promise<App> {
  const lock = lockDatabase(config.databaseUrl, 0);
  try {
    return await buildApp(config, { ...opts, migrations: lock.held ? 'apply' : 'verify' });
  } finally {
    if (lock.held) lock.release();
  }
}

/**
 * The app for one command, closed when it is done. Logs go to stderr (stdout is the command's
 * output), and no delivery or webhook loop starts: a command does what it was asked, not the
 * backlog of a server that may be running beside it.
 */
export async function withApp<T>(config: Config, fn: (app: App) => Promise<T>): Promise<T> {
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const app = await besideServer({ ...config, delivery: { ...config.delivery, worker: false } }, { logger: pino({ level }, pino.destination(2)) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** The account a command acts as: `--account`, else the first one (the operator, created on the first start). */
export async function actingAccount(app: App, values: Invocation['values']): Promise<AccountTable> {
  const id = values.account;
  if (typeof id === 'string') {
    const account = await app.verity.accounts.find(id);
    if (!account) throw new CliFailure(`there is no account ${id}`);
    return account;
  }
  const first = await app.verity.accounts.first();
  if (!first) throw new CliFailure('the database has no account yet: `verity keys create` creates the operator account and its first key (or start the server once)');
  return first;
}
