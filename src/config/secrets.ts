import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl, sqlitePath } from '../db/database-url.js';
import { ConfigError, decodeKey, type Config } from './config.js';

export interface Secrets {
  peppers: Buffer[]; // first signs, all verify
  encryptionKey: Buffer; // AES-256-GCM
  tokenSigningKey: Uint8Array; // HS256
}

export interface StoredSecrets {
  peppers: string[];
  encryptionKey: string;
  tokenSigningKey: string;
}

/** Fresh values for the three secrets, in the forms the configuration checks accept. */
export function generateSecrets(): StoredSecrets {
  return {
    peppers: [randomBytes(32).toString('base64url')],
    encryptionKey: randomBytes(32).toString('base64'),
    tokenSigningKey: randomBytes(32).toString('base64url'),
  };
}

/**
 * Resolves the three server secrets. A deployment sets them (PostgreSQL: every instance must
 * share them, so they are required). The embedded default must start with no setup at all, so
 * on SQLite the missing ones are generated once and kept in a 0600 file beside the database.
 */
export function resolveSecrets(cfg: Config): Secrets {
  let stored: Partial<StoredSecrets> = {};
  const missing = !cfg.peppers || !cfg.encryptionKey || !cfg.tokenSigningKey;
  if (missing) {
    if (isPostgresUrl(cfg.databaseUrl)) {
      throw new ConfigError(['PEPPERS, ENCRYPTION_KEY and TOKEN_SIGNING_KEY are required with PostgreSQL (every instance must share them)']);
    }
    const dbPath = sqlitePath(cfg.databaseUrl);
    if (dbPath === ':memory:') {
      stored = generateSecrets();
    } else {
      const file = cfg.secretsFile ?? join(dirname(resolve(dbPath)), 'secrets.json');
      if (existsSync(file)) {
        stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
      } else {
        stored = generateSecrets();
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      }
    }
  }
  const peppers = cfg.peppers ?? stored.peppers ?? [];
  const encKey = decodeKey(cfg.encryptionKey ?? stored.encryptionKey ?? '');
  const tokenKey = cfg.tokenSigningKey ?? stored.tokenSigningKey ?? '';
  if (peppers.length === 0 || !encKey || tokenKey.length < 32) {
    throw new ConfigError(['the secrets file is damaged: delete it only if no verification is in flight, or set the secrets explicitly']);
  }
  return {
    peppers: peppers.map((p) => Buffer.from(p, 'utf8')),
    encryptionKey: encKey,
    tokenSigningKey: new TextEncoder().encode(tokenKey),
  };
}
