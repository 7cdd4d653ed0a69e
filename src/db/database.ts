import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type Migration } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { initial } from './migrations/0001-initial.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL pool, shared with the PostgreSQL rate limiter. */
  pool?: pg.Pool;
  /** The SQLite file path (or ':memory:'). */
  sqlitePath?: string;
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
  if (/^postgres(ql)?:\/\//.test(url)) {
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
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: path,
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}

const MIGRATIONS: Record<string, Migration> = { '0001-initial': initial };

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrate(handle: DatabaseHandle, schema?: string): Promise<string[]> {
  if (schema && handle.dialect === 'postgres') {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
  }
  const migrator = new Migrator({ db: handle.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
