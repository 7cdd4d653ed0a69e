import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Principal } from '../http/types.js';
import type { AccountStore } from './account-store.js';
import { hashSecret, verifySecret } from './secret-hash.js';

export interface IssuedKey {
  key_id: string;
  secret: string;
}

interface CacheEntry {
  principal: Principal;
  digest: Buffer | undefined; // sha256 of the secret once it has been verified with scrypt
  until: number;
}

const MAX_CACHED = 10_000;

/**
 * API keys: a public id and a secret stored only as an scrypt hash. Recomputing scrypt on every
 * request would cap the server at a few dozen requests a second, so a verified secret is
 * remembered for a short time as a SHA-256 digest (compared in constant time).
 */
export class KeyService {
  private readonly cache = new Map<string, CacheEntry>();
  /** Authorization headers that verified recently, so the hot path skips decoding and hashing. */
  private readonly headers = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock,
    private readonly cacheTtlMs: number,
  ) {}

  async create(accountId: string, name: string, db?: Kysely<Database> | Transaction<Database>): Promise<IssuedKey> {
    const keyId = newId('vk');
    const secret = `vs_${randomBytes(24).toString('base64url')}`;
    await this.store.insertKey({ id: keyId, account_id: accountId, name, secret_hash: await hashSecret(secret), created_at: this.clock.now(), revoked_at: null }, db);
    return { key_id: keyId, secret };
  }

  async authenticate(keyId: string, secret: string): Promise<Principal | undefined> {
    const digest = createHash('sha256').update(secret).digest();
    const hit = this.fresh(keyId);
    if (hit?.digest && timingSafeEqual(hit.digest, digest)) return hit.principal;
    const row = await this.store.findActiveKey(keyId);
    if (!row || !(await verifySecret(secret, row.secret_hash))) return undefined;
    const principal = { accountId: row.account_id, keyId, isAdmin: row.is_admin === 1 };
    this.remember(keyId, { principal, digest, until: this.clock.now() + this.cacheTtlMs });
    return principal;
  }

  /** The key's principal if it is still active (bearer tokens are re-checked against revocation). */
  async lookup(keyId: string): Promise<Principal | undefined> {
    const hit = this.fresh(keyId);
    if (hit) return hit.principal;
    const row = await this.store.findActiveKey(keyId);
    if (!row) return undefined;
    const principal = { accountId: row.account_id, keyId, isAdmin: row.is_admin === 1 };
    this.remember(keyId, { principal, digest: undefined, until: this.clock.now() + this.cacheTtlMs });
    return principal;
  }

  recallHeader(header: string): Principal | undefined {
    const e = this.headers.get(header);
    if (!e) return undefined;
    if (e.until > this.clock.now() && this.cache.has(e.principal.keyId)) return e.principal;
    this.headers.delete(header);
    return undefined;
  }

  rememberHeader(header: string, principal: Principal): void {
    if (this.cacheTtlMs <= 0) return;
    if (this.headers.size >= MAX_CACHED) this.headers.delete(this.headers.keys().next().value as string);
    this.headers.set(header, { principal, until: this.clock.now() + this.cacheTtlMs });
  }

  async revoke(accountId: string, keyId: string): Promise<boolean> {
    this.cache.delete(keyId);
    return this.store.revokeKey(accountId, keyId, this.clock.now());
  }

  private fresh(keyId: string): CacheEntry | undefined {
    const e = this.cache.get(keyId);
    if (e && e.until > this.clock.now()) return e;
    if (e) this.cache.delete(keyId);
    return undefined;
  }

  private remember(keyId: string, e: CacheEntry): void {
    if (this.cacheTtlMs <= 0) return;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(keyId, e);
  }
}
