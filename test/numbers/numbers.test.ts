import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { ManualClock } from '../../src/lib/clock.js';
import {
  codeFromCallerId,
  flashCli,
  flashCodeLength,
  flashCodeOf,
  NumberPool,
  numberRoutes,
  parseEntries,
  parseEntry,
  type NumberPurpose,
  type NumberRow,
  type PoolEntry,
} from '../../src/numbers/index.js';
import { NumberStore } from '../../src/numbers/number-store.js';
import { describeOnBackends, openTestDatabase, type TestDatabase } from '../helpers/test-app.js';
import { createHttp } from '../../src/http/kernel.js';
import { callerFromHeader } from '../helpers/http-kernel.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const LONDON = '+442079460123';
const LONDON_2 = '+442079460456';
const NEW_YORK = '+12125550123';
const SAO_PAULO = '+5511987654321';

const row = (accountId: string, number: string, purpose: NumberPurpose = 'reverse_call', country = 'GB', createdAt = T0): NumberRow => ({
  account_id: accountId,
  number,
  purpose,
  country,
  created_at: createdAt,
});

describeOnBackends('number store', (backend) => {
  let db: TestDatabase | undefined;
  let h: DatabaseHandle;
  let store: NumberStore;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    h = db.handle;
    store = new NumberStore(h);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps one entry however often, and however concurrently, a number is added', async () => {
    const first = await store.add(row('acc_dup', LONDON));
    expect(first).toMatchObject({ created: true, row: { number: LONDON, country: 'GB', created_at: T0 } });
    const again = await Promise.all(Array.from({ length: 5 }, () => store.add(row('acc_dup', LONDON, 'reverse_call', 'GB', T0 + 1000))));
    expect(again.every((r) => !r.created && r.row.created_at === T0)).toBe(true);
    expect(await store.list('acc_dup')).toHaveLength(1);
  });

  it('moves a re-added number to the country given the second time', async () => {
    await store.add(row('acc_move', LONDON, 'reverse_call', 'GB'));
    const { row: stored } = await store.add(row('acc_move', LONDON, 'reverse_call', '*', T0 + 5));
    expect(stored).toMatchObject({ country: '*', created_at: T0 });
  });

  it('keeps the same number apart for each purpose and each account', async () => {
    await store.add(row('acc_a', LONDON, 'reverse_call'));
    await store.add(row('acc_a', LONDON, 'flash_call'));
    await store.add(row('acc_a', '+4420794600XXXX', 'flash_call', '*'));
    await store.add(row('acc_b', LONDON_2, 'reverse_call'));
    expect((await store.list('acc_a')).map((r) => `${r.purpose} ${r.number}`)).toEqual([`flash_call +4420794600XXXX`, `flash_call ${LONDON}`, `reverse_call ${LONDON}`]);
    expect((await store.list('acc_a', 'reverse_call')).map((r) => r.number)).toEqual([LONDON]);
    expect(await store.forAccount('acc_a', 'flash_call')).toEqual(
      expect.arrayContaining([
        { number: LONDON, purpose: 'flash_call', country: 'GB' },
        { number: '+4420794600XXXX', purpose: 'flash_call', country: '*' },
      ]),
    );
    expect(await store.forAccount('acc_b', 'flash_call')).toEqual([]);
  });

  it('removes a number only from the account and purpose that hold it', async () => {
    await store.add(row('acc_rm', LONDON, 'reverse_call'));
    await store.add(row('acc_rm', LONDON, 'flash_call'));
    expect(await store.remove('acc_other', 'reverse_call', LONDON)).toBe(false);
    expect(await store.remove('acc_rm', 'reverse_call', LONDON)).toBe(true);
    expect(await store.remove('acc_rm', 'reverse_call', LONDON)).toBe(false);
    expect((await store.list('acc_rm')).map((r) => r.purpose)).toEqual(['flash_call']);
  });
});

/** A store that counts its reads, to see what the pool's cache saves. */
class CountingStore extends NumberStore {
  reads = 0;
  override forAccount(accountId: string, purpose: NumberPurpose): Promise<PoolEntry[]> {
    this.reads++;
    return super.forAccount(accountId, purpose);
  }
}

const SERVER: PoolEntry[] = [
  { number: LONDON_2, purpose: 'reverse_call', country: 'GB' },
  { number: NEW_YORK, purpose: 'reverse_call', country: '*' },
  { number: '+4420794600XXXX', purpose: 'flash_call', country: '*' },
];

describe('number pool', () => {
  let h: DatabaseHandle;
  let store: CountingStore;
  let clock: ManualClock;

  beforeEach(async () => {
    h = openDatabase('sqlite::memory:');
    await migrate(h);
    store = new CountingStore(h);
    clock = new ManualClock(T0);
  });

  /** A random source that returns the given values in turn. */
  const sequence = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length] as number;
  };

  it("uses the account's own numbers, never the server's, once it has any for the purpose", async () => {
    await store.add(row('acc_own', LONDON));
    const pool = new NumberPool(store, SERVER, sequence(0, 0.99), { clock });
    for (let i = 0; i < 4; i++) expect(await pool.pick('acc_own', 'reverse_call', { to: SAO_PAULO, country: 'GB' })).toBe(LONDON);
    // Its own pool has nothing for Brazil and no '*' entry: the server's '*' number is not borrowed.
    expect(await pool.pick('acc_own', 'reverse_call', { to: SAO_PAULO, country: 'BR' })).toBeUndefined();
    // Own reverse-call numbers say nothing about flash calls: those still come from the server.
    expect(await pool.pick('acc_own', 'flash_call', { to: SAO_PAULO, country: 'BR' })).toBe('+4420794600XXXX');
  });

  it("prefers a number of the destination's country, else one serving any country", async () => {
    const pool = new NumberPool(store, SERVER, sequence(0, 0.5, 0.99), { clock });
    for (let i = 0; i < 3; i++) expect(await pool.pick('acc_none', 'reverse_call', { to: '+447700900123', country: 'GB' })).toBe(LONDON_2);
    expect(await pool.pick('acc_none', 'reverse_call', { to: SAO_PAULO, country: 'BR' })).toBe(NEW_YORK);
    expect(await pool.pick('acc_none', 'reverse_call', { to: SAO_PAULO, country: null })).toBe(NEW_YORK);
  });

  it('has no number when neither the account nor the server has one that fits', async () => {
    const onlyGb = new NumberPool(store, [{ number: LONDON, purpose: 'reverse_call', country: 'GB' }], Math.random, { clock });
    expect(await onlyGb.pick('acc_none', 'reverse_call', { to: SAO_PAULO, country: 'BR' })).toBeUndefined();
    expect(await onlyGb.pick('acc_none', 'flash_call', { to: '+447700900123', country: 'GB' })).toBeUndefined();
    expect(await new NumberPool(store, []).pick('acc_none', 'reverse_call', { to: SAO_PAULO, country: 'BR' })).toBeUndefined();
  });

  it('spreads verifications over every number that fits, uniformly by the random source', async () => {
    const numbers = ['+442079460001', '+442079460002', '+442079460003'];
    for (const n of numbers) await store.add(row('acc_spread', n));
    const pool = new NumberPool(store, [], sequence(0, 0.34, 0.67, 0.9999999), { clock });
    const picked = [];
    for (let i = 0; i < 4; i++) picked.push(await pool.pick('acc_spread', 'reverse_call', { to: SAO_PAULO, country: 'GB' }));
    const sorted = [...numbers].sort();
    // forAccount's order is the database's; the draws hit index 0, 1, 2 and 2 of it.
    const order = (await store.forAccount('acc_spread', 'reverse_call')).map((e) => e.number);
    expect(picked).toEqual([order[0], order[1], order[2], order[2]]);
    expect([...new Set(picked)].sort()).toEqual(sorted);
  });

  it('never gives a destination its own number', async () => {
    const pool = new NumberPool(store, [{ number: LONDON, purpose: 'reverse_call', country: 'GB' }, ...SERVER], sequence(0), { clock });
    for (let i = 0; i < 3; i++) expect(await pool.pick('acc_none', 'reverse_call', { to: LONDON, country: 'GB' })).toBe(LONDON_2);
  });

  it("reads an account's numbers once every few seconds, and at once after this server changed them", async () => {
    const pool = new NumberPool(store, SERVER, sequence(0), { clock, cacheTtlMs: 5000 });
    const dest = { to: SAO_PAULO, country: 'BR' };
    await Promise.all(Array.from({ length: 5 }, () => pool.pick('acc_cache', 'reverse_call', dest)));
    expect(store.reads).toBe(1);
    // Another server process adds a number: this one sees it when its copy is 5 s old.
    await store.add(row('acc_cache', SAO_PAULO.replace('321', '000'), 'reverse_call', 'BR'));
    expect(await pool.pick('acc_cache', 'reverse_call', dest)).toBe(NEW_YORK);
    clock.advance(5000);
    expect(await pool.pick('acc_cache', 'reverse_call', dest)).toBe('+5511987654000');
    expect(store.reads).toBe(2);
    // A change through this server's API is seen at once.
    await store.remove('acc_cache', 'reverse_call', '+5511987654000');
    pool.invalidate('acc_cache');
    expect(await pool.pick('acc_cache', 'reverse_call', dest)).toBe(NEW_YORK);
  });
});

describe('flash-call caller IDs', () => {
  it("fills a pattern's X with the code and leaves a full number as it is", () => {
    expect(flashCli('+4420794600XXXX', '0123')).toBe('+44207946000123');
    expect(flashCli('+44207946XXXXXX', '012345')).toBe('+44207946012345');
    expect(flashCli(LONDON, '9999')).toBe(LONDON);
    expect(() => flashCli('+4420794600XXXX', '12345')).toThrow(/4 digits/);
    expect(() => flashCli('+4420794600XXXX', '12a4')).toThrow();
  });

  it('carries as many digits as the pattern has X, and four for a full number', () => {
    expect(flashCodeLength('+4420794600XXXX')).toBe(4);
    expect(flashCodeLength('+442079460XXXXX')).toBe(5);
    expect(flashCodeLength('+44207946XXXXXX')).toBe(6);
    expect(flashCodeLength(LONDON)).toBe(4);
  });

  it("takes a full number's code from its last digits; a pattern's code is not known in advance", () => {
    expect(flashCodeOf(LONDON, 4)).toBe('0123');
    expect(flashCodeOf(LONDON, 6)).toBe('460123');
    expect(flashCodeOf('+4420794600XXXX', 4)).toBeUndefined();
  });

  it('reads the code from a caller ID as the phone shows it, or from its last digits alone', () => {
    expect(codeFromCallerId('+44 20 7946-0123', 4)).toBe('0123');
    expect(codeFromCallerId('(020) 7946-0123', 6)).toBe('460123');
    expect(codeFromCallerId('0123', 4)).toBe('0123');
    expect(codeFromCallerId(' 460123 ', 6)).toBe('460123');
  });

  it('refuses a caller ID with too few digits or with anything but a number in it', () => {
    expect(codeFromCallerId('123', 4)).toBeUndefined();
    expect(codeFromCallerId('0123', 6)).toBeUndefined();
    expect(codeFromCallerId('', 4)).toBeUndefined();
    expect(codeFromCallerId('12a4', 4)).toBeUndefined();
    expect(codeFromCallerId('Unknown', 4)).toBeUndefined();
    expect(codeFromCallerId('44+2079460123', 4)).toBeUndefined();
  });

  it('gives back the code that was filled in, for every code and pattern length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 6 }), fc.nat(), (n, seed) => {
        const code = String(seed % 10 ** n).padStart(n, '0');
        const pattern = `+4420794${'0'.repeat(7 - n)}${'X'.repeat(n)}`;
        const cli = flashCli(pattern, code);
        expect(codeFromCallerId(cli, flashCodeLength(pattern))).toBe(code);
        expect(parseEntry({ number: pattern, purpose: 'flash_call' })).toEqual({ number: pattern, purpose: 'flash_call', country: '*' });
      }),
    );
  });
});

describe('pool entries', () => {
  it('stores a reverse-call number as E.164 serving its own country unless told otherwise', () => {
    expect(parseEntry({ number: '+44 20 7946 0123', purpose: 'reverse_call' })).toEqual({ number: LONDON, purpose: 'reverse_call', country: 'GB' });
    expect(parseEntry({ number: LONDON, purpose: 'reverse_call', country: '*' })).toEqual({ number: LONDON, purpose: 'reverse_call', country: '*' });
    expect(parseEntry({ number: LONDON, purpose: 'reverse_call', country: 'ie' })).toEqual({ number: LONDON, purpose: 'reverse_call', country: 'IE' });
    expect(parseEntry({ number: LONDON, purpose: 'flash_call' })).toEqual({ number: LONDON, purpose: 'flash_call', country: 'GB' });
  });

  it('stores a flash-call pattern upper-case, serving any country unless one is given', () => {
    expect(parseEntry({ number: '+4420794600xxxx', purpose: 'flash_call' })).toEqual({ number: '+4420794600XXXX', purpose: 'flash_call', country: '*' });
    expect(parseEntry({ number: '+4420794600XXXX', purpose: 'flash_call', country: 'GB' })).toEqual({ number: '+4420794600XXXX', purpose: 'flash_call', country: 'GB' });
  });

  it.each([
    ['no leading +', { number: '442079460123', purpose: 'reverse_call' }],
    ['an invalid number', { number: '+44123', purpose: 'reverse_call' }],
    ['a pattern for reverse calls', { number: '+4420794600XXXX', purpose: 'reverse_call' }],
    ['three X', { number: '+44207946000XXX', purpose: 'flash_call' }],
    ['seven X', { number: '+442079XXXXXXX', purpose: 'flash_call' }],
    ['more than 16 characters', { number: '+4420794600000XXXX', purpose: 'flash_call' }],
    ['X inside the number', { number: '+44207X4600XXXX', purpose: 'flash_call' }],
    ['an unknown calling code', { number: '+99920794600XXXX', purpose: 'flash_call' }],
    ['a pattern too short to be a number', { number: '+44XXXX', purpose: 'flash_call' }],
    ['a country that is no ISO code', { number: LONDON, purpose: 'reverse_call', country: 'UK' }],
    ['an unknown purpose', { number: LONDON, purpose: 'sms' }],
  ])('refuses %s without quoting the number', (_what, input) => {
    const got = parseEntry(input);
    expect(got).toHaveProperty('problem');
    expect(JSON.stringify(got)).not.toContain(input.number.slice(3, 9));
  });

  it('reports every bad INBOUND_NUMBERS entry by its place in the list', () => {
    const got = parseEntries([{ number: LONDON, purpose: 'reverse_call' }, 7, { number: LONDON, purpose: 'reverse_call' }, { number: '+44123', purpose: 'reverse_call' }], 'INBOUND_NUMBERS');
    expect(got.entries).toEqual([{ number: LONDON, purpose: 'reverse_call', country: 'GB' }]);
    expect(got.problems).toEqual([
      expect.stringMatching(/^INBOUND_NUMBERS\[1\] needs a number/),
      expect.stringMatching(/^INBOUND_NUMBERS\[2\]: .*listed twice/),
      expect.stringMatching(/^INBOUND_NUMBERS\[3\]: number must be a valid phone number/),
    ]);
    expect(parseEntries({}, 'INBOUND_NUMBERS').problems).toEqual([expect.stringContaining('must be a JSON list')]);
  });
});

describe('number routes', () => {
  let h: DatabaseHandle;
  let pool: NumberPool;
  let base: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    h = openDatabase('sqlite::memory:');
    await migrate(h);
    const store = new NumberStore(h);
    pool = new NumberPool(store, SERVER, () => 0, { clock, cacheTtlMs: 60_000 });
    const app = await createHttp();
    callerFromHeader(app);
    await app.register(numberRoutes(pool, store, clock));
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await h.close();
    };
  });
  afterAll(() => close());

  const call = async (method: string, path: string, account: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'x-account': account, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  };

  it('adds a number, answers 201 with it, and 200 with the same entry when it is added again', async () => {
    const first = await call('POST', '/v1/numbers', 'acc_r1', { number: '+44 20 7946 0123', purpose: 'reverse_call' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ number: LONDON, purpose: 'reverse_call', country: 'GB', source: 'account', created_at: '2026-01-01T00:00:00.000Z' });
    clock.advance(1000);
    const again = await call('POST', '/v1/numbers', 'acc_r1', { number: LONDON, purpose: 'reverse_call' });
    expect(again).toMatchObject({ status: 200, body: first.body });
  });

  it("lists the account's numbers and, apart, the server's", async () => {
    await call('POST', '/v1/numbers', 'acc_r2', { number: '+4420794600xxxx', purpose: 'flash_call' });
    await call('POST', '/v1/numbers', 'acc_r2', { number: NEW_YORK, purpose: 'reverse_call' });
    const all = await call('GET', '/v1/numbers', 'acc_r2');
    expect(all.status).toBe(200);
    expect(all.body?.numbers.map((n: PoolEntry) => [n.purpose, n.number, n.country])).toEqual([
      ['flash_call', '+4420794600XXXX', '*'],
      ['reverse_call', NEW_YORK, 'US'],
    ]);
    expect(all.body?.server).toEqual(SERVER.map((e) => ({ ...e, source: 'server' })));
    const flash = await call('GET', '/v1/numbers?purpose=flash_call', 'acc_r2');
    expect(flash.body?.numbers).toHaveLength(1);
    expect(flash.body?.server).toEqual([{ number: '+4420794600XXXX', purpose: 'flash_call', country: '*', source: 'server' }]);
    expect((await call('GET', '/v1/numbers?purpose=sms', 'acc_r2')).status).toBe(400);
  });

  it('refuses a bad entry with a 400 problem that does not repeat the number', async () => {
    for (const body of [
      { number: '+44123', purpose: 'reverse_call' },
      { number: '+4420794600XXXX', purpose: 'reverse_call' },
      { number: '+44207946000XXX', purpose: 'flash_call' },
      { number: LONDON, purpose: 'reverse_call', country: 'UK' },
      { number: LONDON, purpose: 'voice' },
      { number: LONDON, purpose: 'reverse_call', extra: 1 },
    ]) {
      const r = await call('POST', '/v1/numbers', 'acc_r3', body);
      expect(r.status).toBe(400);
      expect(r.type).toContain('application/problem+json');
      // What the schema refuses is VALIDATION_FAILED; what only the number rules refuse is INVALID_NUMBER_ENTRY.
      expect(r.body?.code).toBe(('purpose' in body && body.purpose === 'voice') || 'extra' in body ? 'VALIDATION_FAILED' : 'INVALID_NUMBER_ENTRY');
      expect(JSON.stringify(r.body)).not.toContain('2079460');
    }
    expect((await call('GET', '/v1/numbers', 'acc_r3')).body?.numbers).toEqual([]);
  });

  it('removes a number named with + encoded or as it is, then answers 404 for it', async () => {
    await call('POST', '/v1/numbers', 'acc_r4', { number: LONDON, purpose: 'reverse_call' });
    await call('POST', '/v1/numbers', 'acc_r4', { number: LONDON_2, purpose: 'reverse_call' });
    await call('POST', '/v1/numbers', 'acc_r4', { number: '+4420794600XXXX', purpose: 'flash_call' });
    expect((await call('DELETE', `/v1/numbers/reverse_call/${encodeURIComponent(LONDON)}`, 'acc_r4')).status).toBe(204);
    expect((await call('DELETE', `/v1/numbers/reverse_call/${LONDON_2}`, 'acc_r4')).status).toBe(204);
    expect((await call('DELETE', '/v1/numbers/flash_call/%2B4420794600xxxx', 'acc_r4')).status).toBe(204);
    const gone = await call('DELETE', `/v1/numbers/reverse_call/${LONDON}`, 'acc_r4');
    expect(gone.status).toBe(404);
    expect(gone.body?.code).toBe('NUMBER_NOT_FOUND');
    expect((await call('GET', '/v1/numbers', 'acc_r4')).body?.numbers).toEqual([]);
  });

  it("keeps each account's numbers to itself", async () => {
    await call('POST', '/v1/numbers', 'acc_owner', { number: LONDON, purpose: 'reverse_call' });
    expect((await call('GET', '/v1/numbers', 'acc_stranger')).body?.numbers).toEqual([]);
    expect((await call('DELETE', `/v1/numbers/reverse_call/${LONDON}`, 'acc_stranger')).status).toBe(404);
    expect((await call('GET', '/v1/numbers', 'acc_owner')).body?.numbers).toHaveLength(1);
    expect(await pool.pick('acc_stranger', 'reverse_call', { to: SAO_PAULO, country: 'GB' })).toBe(LONDON_2);
  });

  it('puts a number added or removed through the API to use at once', async () => {
    const dest = { to: SAO_PAULO, country: 'GB' };
    expect(await pool.pick('acc_r5', 'reverse_call', dest)).toBe(LONDON_2);
    await call('POST', '/v1/numbers', 'acc_r5', { number: LONDON, purpose: 'reverse_call' });
    expect(await pool.pick('acc_r5', 'reverse_call', dest)).toBe(LONDON);
    await call('DELETE', `/v1/numbers/reverse_call/${LONDON}`, 'acc_r5');
    expect(await pool.pick('acc_r5', 'reverse_call', dest)).toBe(LONDON_2);
  });
});
