import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type Migration, type SqliteDatabase as KyselySqlite } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { initial } from './migrations/0001-initial.js';
import { delivery } from './migrations/0002-delivery.js';
import { webhooks } from './migrations/0003-webhooks.js';
import { workflows } from './migrations/0004-workflows.js';
import { accountProviders } from './migrations/0005-account-providers.js';
import { operator } from './migrations/0006-operator.js';
import { singleUse } from './migrations/0007-single-use.js';
import { calls } from './migrations/0008-calls.js';
import { vendorCredentials } from './migrations/0009-vendor-credentials.js';
import { credentialDigest } from './migrations/0010-credential-digest.js';
import { messageCentralNumbers } from './migrations/0011-messagecentral-numbers.js';
import { reverseCallIndex } from './migrations/0012-reverse-call-index.js';
import { wrongGuesses } from './migrations/0013-wrong-guesses.js';
import { failureReason } from './migrations/0014-failure-reason.js';
import { verificationSearch } from './migrations/0015-verification-search.js';
import { verificationEvents } from './migrations/0016-verification-events.js';
import { retention } from './migrations/0017-retention.js';
import { analytics } from './migrations/0018-analytics.js';
import { geoPermissions } from './migrations/0019-geo-permissions.js';
import { spendCaps } from './migrations/0020-spend-caps.js';
import { safeList } from './migrations/0021-safe-list.js';
import { fraudDecisions } from './migrations/0022-fraud-decisions.js';
import { fraudObservations } from './migrations/0023-fraud-observations.js';
import { Checkpointer } from './checkpointer.js';
import { isPostgresUrl, sqlitePath } from './database-url.js';
import { WriteBatcher, type WriteWork } from './write-batcher.js';
import { committed } from './commit-hooks.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL pool, shared with the PostgreSQL rate limiter. */
  pool?: pg.Pool;
  /** The SQLite file path (or ':memory:'). */
  sqlitePath?: string;
  /**
   * Runs `work` in a transaction. On SQLite concurrent writes share one commit (group commit);
   * on PostgreSQL each gets its own transaction.
   */
  write<T>(work: WriteWork<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (bigint) columns hold millisecond times and micro-unit amounts, all far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface DatabaseOptions {
  /** PostgreSQL schema to use (created if missing); lets test suites share one database. */
  schema?: string;
  poolSize?: number;
}

export function openDatabase(url: string, opts: DatabaseOptions = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client that loses its connection emits here; without a listener it would crash the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      pool,
      write: (work) => committed(db, work),
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoints run in a worker thread (see Checkpointer); this threshold only matters if it stops.
  sqlite.pragma('wal_autocheckpoint = 50000');
  const checkpointer = path === ':memory:' ? undefined : new Checkpointer(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const batcher = new WriteBatcher(db);
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: path,
    write: (work) => batcher.run(work),
    ping: async () => void (await sql`select 1`.execute(db)),
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

const MAX_CACHED_STATEMENTS = 500;

/**
 * Kysely prepares every statement anew; parsing the SQL costs more than running it on the hot
 * path, and Verity's queries are a small fixed set, so compiled statements are kept by SQL text.
 * Statements are only run with all()/run(), never iterated, so sharing one is safe.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqlite {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = sqlite.prepare(text);
        if (cache.size < MAX_CACHED_STATEMENTS) cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-delivery': delivery,
  '0003-webhooks': webhooks,
  '0004-workflows': workflows,
  '0005-account-providers': accountProviders,
  '0006-operator': operator,
  '0007-single-use': singleUse,
  '0008-calls': calls,
  '0009-vendor-credentials': vendorCredentials,
  '0010-credential-digest': credentialDigest,
  '0011-messagecentral-numbers': messageCentralNumbers,
  '0012-reverse-call-index': reverseCallIndex,
  '0013-wrong-guesses': wrongGuesses,
  '0014-failure-reason': failureReason,
  '0015-verification-search': verificationSearch,
  '0016-verification-events': verificationEvents,
  '0017-retention': retention,
  '0018-analytics': analytics,
  '0019-geo-permissions': geoPermissions,
  '0020-spend-caps': spendCaps,
  '0021-safe-list': safeList,
  '0022-fraud-decisions': fraudDecisions,
  '0023-fraud-observations': fraudObservations,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrate(handle: DatabaseHandle, schema?: string): Promise<string[]> {
  if (schema && handle.dialect === 'postgres') {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
  }
  // The schema must be named: Kysely otherwise takes another schema's lock table for its own.
  const migrator = new Migrator({ db: handle.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations this build knows that the database has not had (read only: nothing is created). */
export async function pendingMigrations(handle: DatabaseHandle, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
