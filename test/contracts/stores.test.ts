import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/account-store.js';
import { migrate, type DatabaseHandle } from '../../src/db/database.js';
import type { VerificationRow } from '../../src/verifications/verification-store.js';
import { VerificationStore } from '../../src/verifications/verification-store.js';
import { IdempotencyStore } from '../../src/idempotency/idempotency-store.js';
import { InboxStore } from '../../src/sandbox/inbox-store.js';
import { newId } from '../../src/lib/ids.js';
import { describeOnBackends, openTestDatabase, type TestDatabase } from '../helpers/test-app.js';
import { verificationRow } from '../helpers/verification-row.js';

const T0 = 1_800_000_000_000;

const verification = (accountId: string, over: Partial<VerificationRow> = {}): VerificationRow => verificationRow(accountId, T0, over);

/** The same contract for every database Verity runs on. */
describeOnBackends('store contract', (backend) => {
  let db: TestDatabase | undefined;
  let h: DatabaseHandle;
  let schema: string | undefined;
  let accounts: AccountStore;
  let store: VerificationStore;
  let accountId: string;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    ({ handle: h, schema } = db);
    accounts = new AccountStore(h.db);
    store = new VerificationStore(h);
    accountId = newId('acc');
    await accounts.insertAccount({ id: accountId, name: 'a', isAdmin: false, postpaid: false, balanceMicros: 100, currency: 'USD', createdAt: T0 });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** One counted attempt in a write unit of its own, as a check makes it. */
  const count = (account: string, id: string, now: number, since = now - 3_600_000) => store.transaction((trx) => store.countAttempt(trx, account, id, now, since));

  it('migrating twice is a no-op', async () => {
    expect(await migrate(h, schema)).toEqual([]);
  });

  it('reads a verification only through its own account', async () => {
    const v = verification(accountId);
    await store.transaction((trx) => store.insert(trx, v));
    expect(await store.get(accountId, v.id)).toMatchObject({ id: v.id, attempts: 0, expires_at: v.expires_at });
    expect(await store.get('acc_other', v.id)).toBeUndefined();
  });

  it('counts attempts up to the limit and no further', async () => {
    const v = verification(accountId, { max_attempts: 3 });
    await store.transaction((trx) => store.insert(trx, v));
    const got = await Promise.all(Array.from({ length: 10 }, () => count(accountId, v.id, T0 + 1)));
    expect(
      got
        .filter(Boolean)
        .map((g) => g?.row.attempts)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect((await store.get(accountId, v.id))?.attempts).toBe(3);
  });

  it('refuses an attempt after expiry', async () => {
    const v = verification(accountId);
    await store.transaction((trx) => store.insert(trx, v));
    expect(await count(accountId, v.id, v.expires_at)).toBeUndefined();
    expect(await count('acc_other', v.id, T0 + 1)).toBeUndefined();
  });

  it('counts with an attempt the destination’s wrong guesses inside the window, and sweeps the old ones', async () => {
    const to = '+5511987650777';
    const v = verification(accountId, { to, max_attempts: 10 });
    await store.transaction((trx) => store.insert(trx, v));
    await store.transaction(async (trx) => {
      for (const at of [T0 - 10_000, T0 - 5_000, T0 - 1_000, T0]) await store.recordWrongGuess(trx, accountId, to, at);
      // Another destination, and the same number under another account, are other budgets.
      await store.recordWrongGuess(trx, accountId, '+5511987650778', T0);
      await store.recordWrongGuess(trx, 'acc_other', to, T0);
    });
    expect((await count(accountId, v.id, T0 + 1, T0 - 6_000))?.wrongGuesses).toBe(3);
    expect(await store.transaction((trx) => store.wrongGuessAt(trx, accountId, to, T0 - 6_000, 1))).toBe(T0 - 1_000);
    expect(await store.sweepWrongGuesses(T0 - 5_000)).toBe(2);
    expect((await count(accountId, v.id, T0 + 1, T0 - 60_000))?.wrongGuesses).toBe(2);
  });

  it('finishes a pending verification exactly once under concurrency', async () => {
    const v = verification(accountId);
    await store.transaction((trx) => store.insert(trx, v));
    const wins = await Promise.all(Array.from({ length: 20 }, () => store.finish(v.id, 'approved', T0 + 1)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await store.get(accountId, v.id)).toMatchObject({ status: 'approved', code_sealed: null });
    expect(await store.finish(v.id, 'canceled', T0 + 2)).toBe(false);
  });

  it('records why a verification failed in the write that ends it, and nothing on approval', async () => {
    const failed = verification(accountId);
    const approved = verification(accountId);
    await store.transaction(async (trx) => {
      await store.insert(trx, failed);
      await store.insert(trx, approved);
    });
    expect(await store.finish(failed.id, 'failed', T0 + 1, { failure: { reason: 'undeliverable', providerError: '088' } })).toBe(true);
    expect(await store.finish(approved.id, 'approved', T0 + 1)).toBe(true);
    expect(await store.get(accountId, failed.id)).toMatchObject({ status: 'failed', failure_reason: 'undeliverable', failure_provider_error: '088' });
    expect(await store.get(accountId, approved.id)).toMatchObject({ status: 'approved', failure_reason: null, failure_provider_error: null });
    // A later end changes nothing, its reason included.
    expect(await store.finish(failed.id, 'canceled', T0 + 2, { failure: { reason: 'canceled' } })).toBe(false);
    expect((await store.get(accountId, failed.id))?.failure_reason).toBe('undeliverable');
  });

  it('does not approve an expired verification', async () => {
    const v = verification(accountId);
    await store.transaction((trx) => store.insert(trx, v));
    expect(await store.finish(v.id, 'approved', v.expires_at + 1)).toBe(false);
  });

  it('records a send only after the cooldown and below the send limit', async () => {
    const v = verification(accountId, { max_sends: 2 });
    await store.transaction((trx) => store.insert(trx, v));
    expect(await store.transaction((trx) => store.recordSend(trx, v.id, 'voice', T0 + 29_999))).toBe(false);
    expect(await store.transaction((trx) => store.recordSend(trx, v.id, 'voice', T0 + 30_000))).toBe(true);
    expect(await store.transaction((trx) => store.recordSend(trx, v.id, 'voice', T0 + 90_000))).toBe(false);
    expect(await store.get(accountId, v.id)).toMatchObject({ sends: 2, channel: 'voice', last_sent_at: T0 + 30_000 });
  });

  it('sweeps expired pending verifications and leaves the rest', async () => {
    const old = verification(accountId, { expires_at: T0 + 10 });
    const live = verification(accountId, { expires_at: T0 + 10_000_000 });
    await store.transaction(async (trx) => {
      await store.insert(trx, old);
      await store.insert(trx, live);
    });
    expect((await store.sweepExpired(T0 + 1000)).map((r) => r.id)).toContain(old.id);
    expect(await store.get(accountId, old.id)).toMatchObject({ status: 'expired', code_sealed: null });
    expect((await store.get(accountId, live.id))?.status).toBe('pending');
  });

  it('rolls back the verification when the transaction fails', async () => {
    const v = verification(accountId);
    await expect(
      store.transaction(async (trx) => {
        await store.insert(trx, v);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.get(accountId, v.id)).toBeUndefined();
  });

  it('debits only what the balance covers, even in parallel', async () => {
    const id = newId('acc');
    await accounts.insertAccount({ id, name: 'b', isAdmin: false, postpaid: false, balanceMicros: 50, currency: 'USD', createdAt: T0 });
    const ok = await Promise.all(Array.from({ length: 10 }, () => h.db.transaction().execute((trx) => accounts.debit(trx, id, 20))));
    expect(ok.filter(Boolean)).toHaveLength(2);
    expect((await accounts.getAccount(id))?.balance_micros).toBe(10);
    expect(await accounts.credit(id, 5)).toBe(15);
  });

  it('claims the bootstrap once', async () => {
    const got = await Promise.all(Array.from({ length: 5 }, () => h.db.transaction().execute((trx) => accounts.claimBootstrap(trx, T0))));
    expect(got.filter(Boolean)).toHaveLength(1);
  });

  it('replaces a price list atomically and revokes keys once', async () => {
    await accounts.replacePrices(accountId, [{ channel: 'sms', prefix: '55', priceMicros: 30_000 }]);
    await accounts.replacePrices(accountId, [
      { channel: 'sms', prefix: '5511', priceMicros: 20_000 },
      { channel: 'voice', prefix: '', priceMicros: 1 },
    ]);
    expect((await accounts.listPrices(accountId)).map((p) => p.prefix)).toEqual(['5511', '']);
    const keyId = newId('vk');
    await accounts.insertKey({ id: keyId, account_id: accountId, name: 'k', secret_hash: 'x', created_at: T0, revoked_at: null });
    expect(await accounts.findActiveKey(keyId)).toMatchObject({ account_id: accountId, is_admin: 0 });
    expect(await accounts.revokeKey(accountId, keyId, T0)).toBe(true);
    expect(await accounts.revokeKey(accountId, keyId, T0)).toBe(false);
    expect(await accounts.findActiveKey(keyId)).toBeUndefined();
  });

  it('claims an idempotency key once and sweeps old keys', async () => {
    const idem = new IdempotencyStore(h);
    const row = { account_id: accountId, key: 'k1', request_hash: 'r', state: 'pending', status_code: null, response: null, created_at: T0 };
    const got = await Promise.all(Array.from({ length: 5 }, () => idem.claim(row)));
    expect(got.filter(Boolean)).toHaveLength(1);
    await idem.complete(accountId, 'k1', 201, '{"a":1}');
    expect(await idem.get(accountId, 'k1')).toMatchObject({ state: 'done', status_code: 201 });
    expect(await idem.sweep(T0 + 1)).toBe(1);
    expect(await idem.get(accountId, 'k1')).toBeUndefined();
  });

  it('finds reverse-call verifications by destination and number, from an index that holds only those', async () => {
    const to = '+5511912340000';
    const waiting = verification(accountId, { to, channel: 'reverse_call', call_number: '+551130000000' });
    const other = verification(accountId, { to, channel: 'reverse_call', call_number: '+551130000001' });
    const sms = verification(accountId, { to });
    await store.transaction(async (trx) => {
      for (const v of [waiting, other, sms]) await store.insert(trx, v);
    });
    expect((await store.awaitingCall(to, '+551130000000', T0)).map((r) => r.id)).toEqual([waiting.id]);
    // Partial: a start on any other channel writes nothing to it.
    const definition =
      backend.name === 'postgres'
        ? (await sql<{ d: string }>`select indexdef as d from pg_indexes where indexname = 'verifications_call_number' and schemaname = ${schema ?? 'public'}`.execute(h.db)).rows[0]?.d
        : (await sql<{ d: string }>`select sql as d from sqlite_master where name = 'verifications_call_number'`.execute(h.db)).rows[0]?.d;
    expect(definition).toMatch(/where[\s(]+"?call_number"? is not null/i);
  });

  it('lists the inbox newest first for its own account only', async () => {
    const inbox = new InboxStore(h);
    for (const [i, acc] of [
      [1, accountId],
      [2, accountId],
      [3, 'acc_other'],
    ] as const) {
      await inbox.insert({
        id: newId('sbx'),
        account_id: acc,
        message_id: 'm',
        verification_id: `v${i}`,
        channel: 'sms',
        to: '+1',
        text: 't',
        subject: null,
        html: null,
        code: '1',
        outcome: 'delivered',
        created_at: T0 + i,
      });
    }
    expect((await inbox.list(accountId, { to: '+1', limit: 10 })).map((r) => r.verification_id)).toEqual(['v2', 'v1']);
  });
});
