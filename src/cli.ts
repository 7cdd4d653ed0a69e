#!/usr/bin/env node
import { pino } from 'pino';
import { buildApp, createLogger, type BuildOptions } from './app.js';
import { ConfigError, configTable, generateSecrets, loadConfig, type Config } from './config/index.js';
import { migrate, openDatabase } from './db/database.js';
import { lockDatabase } from './db/database-lock.js';
import { sqlitePath } from './db/database-url.js';
import { checkPostgres } from './db/postgres-check.js';
import { StartupError } from './lib/startup-error.js';
import { PROVIDER_TYPES } from './providers/index.js';
import { SILENT_TYPES } from './silent/index.js';
import { VENDOR_OBJECT_SETTINGS } from './compat/settings.js';
import { serve } from './server.js';

const USAGE = `usage: verity <command>

  serve               run the HTTP server (what npm start runs)
  worker              run only the delivery worker (no HTTP): send queued messages
                      until stopped; pair with DELIVERY_WORKER=false on the servers
  migrate             apply database migrations and exit
  keys create [--json]
                      create an API key for the first account (creating that account
                      on an empty database); --json prints {"key_id","secret"} only
  secrets generate [--json]
                      print fresh PEPPERS, ENCRYPTION_KEY and TOKEN_SIGNING_KEY as
                      KEY=value lines for an env file; --json prints them as one object
  config              print every setting with its default, as a Markdown table
  providers [type…]   print each provider type's and silent upstream's options (all, or the
                      types named), as Markdown tables
  vendors [name…]     print the keys of COMPAT_SMSC, COMPAT_ZADARMA and COMPAT_MESSAGECENTRAL
                      (all, or the vendors named), as Markdown tables
  help                print this text

Through npm, add -s so that npm prints nothing of its own: npm run -s verity -- keys create --json
`;

/**
 * The app for a command that may run beside a server (`keys create`, `worker`). It migrates only
 * while no server owns the database; beside one, it starts only if the schema is already current,
 * so that a newer build never changes the schema under a running older server.
 */
async function besideServer(config: Config, opts: Omit<BuildOptions, 'migrations'>) {
  const lock = lockDatabase(config.databaseUrl, 0);
  try {
    return await buildApp(config, { ...opts, migrations: lock.held ? 'apply' : 'verify' });
  } finally {
    if (lock.held) lock.release();
  }
}

/** Commands other than serve keep stdout for their own output: logs go to stderr. */
async function quietApp(config: Config) {
  return besideServer(config, { logger: pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2)) });
}

async function keysCreate(config: Config, json: boolean): Promise<void> {
  const app = await quietApp(config);
  try {
    const v = app.verity;
    let issued = await v.accounts.bootstrap();
    if (!issued) {
      const first = await v.accountStore.firstAccount();
      if (!first) throw new Error('the database has no account');
      issued = await v.keys.create(first.id, 'cli');
    }
    process.stdout.write(json ? `${JSON.stringify(issued)}\n` : `key id   ${issued.key_id}\nsecret   ${issued.secret}\n`);
  } finally {
    await app.close();
  }
}

/** The outbox worker on its own: the same app without a listening socket. */
async function runWorker(config: Config): Promise<void> {
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

/** One table per vendor whose settings are one JSON object (COMPAT_SMSC, …), read from the schema that checks it: every vendor, or the ones named. */
function vendorTables(names: string[]): string {
  const unknown = names.filter((n) => !VENDOR_OBJECT_SETTINGS.some((v) => v.vendor === n));
  if (unknown.length > 0) throw new UsageError(`unknown vendor ${unknown.join(', ')}; one of ${VENDOR_OBJECT_SETTINGS.map((v) => v.vendor).join(', ')}`);
  const out: string[] = [];
  for (const v of VENDOR_OBJECT_SETTINGS.filter((x) => names.length === 0 || names.includes(x.vendor))) {
    out.push(`| \`${v.env}\` key | Default | Meaning |`, '|---|---|---|');
    for (const [key, prop] of Object.entries(v.schema.properties as Record<string, { description?: string; default?: unknown }>)) {
      out.push(`| \`${key}\` | \`${JSON.stringify(prop.default)}\` | ${(prop.description ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * One table per provider type (PROVIDERS) and silent upstream (SILENT_ROUTES), read from the
 * schemas that validate them: every type, or the ones named.
 */
function providersTables(types: string[]): string {
  const all = [...PROVIDER_TYPES.values(), ...SILENT_TYPES.values()];
  const unknown = types.filter((t) => !all.some((d) => d.type === t));
  if (unknown.length > 0) throw new UsageError(`unknown provider type ${unknown.join(', ')}; one of ${all.map((d) => d.type).join(', ')}`);
  const out: string[] = [];
  for (const def of all.filter((d) => types.length === 0 || types.includes(d.type))) {
    const schema = def.options as { properties?: Record<string, { description?: string; default?: unknown }>; required?: string[] };
    out.push(`### \`${def.type}\``, '', '| Option | Meaning |', '|---|---|');
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const flags = [(schema.required ?? []).includes(key) && prop.default === undefined ? 'required' : '', def.secrets.includes(key) ? 'secret' : ''].filter(Boolean).join(', ');
      out.push(`| \`${key}\`${flags ? ` (${flags})` : ''} | ${(prop.description ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The three secrets as env-file lines (or one JSON object), for deployments that must set them. */
function secretsText(json: boolean): string {
  const s = generateSecrets();
  const values = { PEPPERS: s.peppers.join(','), ENCRYPTION_KEY: s.encryptionKey, TOKEN_SIGNING_KEY: s.tokenSigningKey };
  return json
    ? `${JSON.stringify(values)}\n`
    : Object.entries(values)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('');
}

/** The options after a command; anything but the ones it takes is a usage error, not silently ignored. */
function flags(command: string, rest: string[], allowed: string[]): Set<string> {
  const unknown = rest.filter((a) => !allowed.includes(a));
  if (unknown.length) throw new UsageError(`${command}: unknown option "${unknown[0] ?? ''}"`);
  return new Set(rest);
}

/** The commands that read the configuration, with the options each takes. */
const CONFIGURED = new Map<string, string[]>([
  ['serve', []],
  ['worker', []],
  ['migrate', []],
  ['keys create', ['--json']],
]);

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // No command prints the usage: a bare `npm run verity` must not start a server by surprise.
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return void process.stdout.write(USAGE);
  if (command === 'config') return void process.stdout.write(`${configTable()}\n`);
  if (command === 'providers') return void process.stdout.write(`${providersTables(rest)}\n`);
  if (command === 'vendors') return void process.stdout.write(`${vendorTables(rest)}\n`);
  if (command === 'secrets') {
    if (rest[0] !== 'generate') throw new UsageError(`unknown secrets command "${rest[0] ?? ''}"`);
    return void process.stdout.write(secretsText(flags('secrets generate', rest.slice(1), ['--json']).has('--json')));
  }
  if (command === 'keys' && rest[0] !== 'create') throw new UsageError(`unknown keys command "${rest[0] ?? ''}"`);
  const name = command === 'keys' ? 'keys create' : command;
  const allowed = CONFIGURED.get(name);
  if (!allowed) throw new UsageError(`unknown command "${command}"`);
  const options = flags(name, command === 'keys' ? rest.slice(1) : rest, allowed);
  const config = loadConfig();
  switch (name) {
    case 'serve':
      await serve(config);
      return;
    case 'worker':
      await runWorker(config);
      return;
    case 'migrate': {
      // Only the database's owner changes its schema: beside a running server, refuse.
      const lock = lockDatabase(config.databaseUrl, 0);
      if (!lock.held)
        throw new StartupError(`a verity server is running on ${sqlitePath(config.databaseUrl)} (it holds ${lock.file}); stop it, then migrate (or start it again: serve migrates when it starts)`);
      const db = openDatabase(config.databaseUrl);
      try {
        if (db.dialect === 'postgres') await checkPostgres(config.databaseUrl);
        const applied = await migrate(db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
      } finally {
        await db.close();
        lock.release();
      }
      return;
    }
    default:
      await keysCreate(config, options.has('--json'));
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`${err.message}\n${err instanceof UsageError ? USAGE : ''}`);
    process.exit(2);
  }
  // What the machine refused: one line, no stack (the stack is for bugs).
  if (err instanceof StartupError) {
    process.stderr.write(`verity: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`verity: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
