/** Paging, errors, idempotency and retries of the typed client, against a listening Verity. */
import { createVerity, type Verity, VerityError, type VerityErrorCode } from '@verity/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/loopback-ports.js';
import { type RunningVerity, startVerity } from './verity-server.js';

/** The global fetch, noting when each request left and how it was answered. */
function recordingFetch() {
  const seen: Array<{ method: string; at: number; status: number | 'failed'; retryAfter: string | null }> = [];
  const fetchAndNote = async (request: Request) => {
    const at = Date.now();
    try {
      const response = await fetch(request);
      seen.push({ method: request.method, at, status: response.status, retryAfter: response.headers.get('retry-after') });
      return response;
    } catch (err) {
      seen.push({ method: request.method, at, status: 'failed', retryAfter: null });
      throw err;
    }
  };
  return { seen, fetch: fetchAndNote };
}

const refusal = async (call: Promise<unknown>): Promise<VerityError> => {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof VerityError)) throw new Error(`expected a VerityError, got ${String(err)}`);
  return err;
};

describe('the typed client', () => {
  let server: RunningVerity;
  let verity: Verity;

  beforeAll(async () => {
    server = await startVerity();
    verity = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret });
  });
  afterAll(async () => server?.close());

  it('lists every verification the filters match, following the cursor across pages', async () => {
    const batch = `paging-${Date.now()}`;
    const started: string[] = [];
    for (let i = 0; i < 7; i++) started.push((await verity.verifications.start({ to: `+551198765020${i}`, channel: 'sms', metadata: { batch } })).id);
    const listed: string[] = [];
    for await (const v of verity.verifications.list({ limit: 3, metadata: { batch } })) listed.push(v.id);
    expect(listed.sort()).toEqual([...started].sort());
    const sizes: number[] = [];
    for await (const page of verity.verifications.list({ limit: 3, metadata: { batch } }).pages()) sizes.push(page.verifications.length);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('throws a typed VerityError with the problem’s stable code', async () => {
    const missing = await refusal(verity.verifications.get('ver_0000000000000000'));
    expect(missing).toMatchObject({ code: 'VERIFICATION_NOT_FOUND', status: 404 });
    expect(missing.problem?.request_id).toEqual(expect.any(String));
    const invalid = await refusal(verity.verifications.start({ to: '+1 555', channel: 'sms' }));
    expect(invalid).toMatchObject({ code: 'INVALID_PHONE_NUMBER', status: 400, detail: expect.any(String) });
    // The code is a union of the server's codes: a typo does not compile.
    // @ts-expect-error not one of Verity's codes
    const typo: VerityErrorCode = 'VERIFICATION_NOT_FOUNDD';
    expect(typo).not.toBe(missing.code);
  });

  it('with wrong credentials, says so with INVALID_CREDENTIALS', async () => {
    const stranger = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: 'vs_wrong' });
    expect(await refusal(stranger.verifications.get('ver_0000000000000000'))).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
  });

  it('starts once for the same Idempotency-Key, however often it is sent', async () => {
    const key = `signup-${Date.now()}`;
    const body = { to: '+5511987650301', channel: 'sms' as const, metadata: { key } };
    const first = await verity.verifications.start(body, { idempotencyKey: key });
    const again = await verity.verifications.start(body, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    const all: string[] = [];
    for await (const v of verity.verifications.list({ metadata: { key } })) all.push(v.id);
    expect(all).toEqual([first.id]);
    const reused = await refusal(verity.verifications.start({ ...body, to: '+5511987650302' }, { idempotencyKey: key }));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('cancels, and a resend of a canceled verification answers its state', async () => {
    const v = await verity.verifications.start({ to: '+5511987650303', channel: 'sms' });
    expect((await verity.verifications.cancel(v.id)).status).toBe('canceled');
    expect((await refusal(verity.verifications.resend(v.id, { channel: 'voice' }))).code).toBe('VERIFICATION_CANCELED');
  });

  it('retries a read that could not connect, and never a start without an Idempotency-Key', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const read = recordingFetch();
    const reader = createVerity({ baseUrl: nowhere, token: 'unused' }, { fetch: read.fetch, retries: 2 });
    await expect(reader.verifications.get('ver_0000000000000000')).rejects.toThrow();
    expect(read.seen.map((s) => s.status)).toEqual(['failed', 'failed', 'failed']);

    const write = recordingFetch();
    const writer = createVerity({ baseUrl: nowhere, token: 'unused' }, { fetch: write.fetch, retries: 2 });
    await expect(writer.verifications.start({ to: '+5511987650304', channel: 'sms' })).rejects.toThrow();
    expect(write.seen).toHaveLength(1);
    await expect(writer.verifications.start({ to: '+5511987650304', channel: 'sms' }, { idempotencyKey: 'k-1' })).rejects.toThrow();
    expect(write.seen).toHaveLength(4);
  });
});

describe('the typed client on a server with a tight start limit', () => {
  let server: RunningVerity;
  beforeAll(async () => {
    server = await startVerity({ LIMIT_START_PER_ACCOUNT: '2/2 fixed' });
  });
  afterAll(async () => server?.close());

  it('waits the Retry-After of a 429 and then starts, even without an Idempotency-Key', async () => {
    const once = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret }, { retries: 0 });
    let limited: VerityError | undefined;
    for (let i = 0; i < 4 && !limited; i++)
      limited = await once.verifications.start({ to: '+5511987650401', channel: 'sms' }).then(
        () => undefined,
        (e: VerityError) => e,
      );
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(limited?.retryAfter).toBeGreaterThanOrEqual(1);

    const record = recordingFetch();
    const patient = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret }, { fetch: record.fetch, retries: 3 });
    // The fixed window may roll over between calls; within a few starts one meets the limit.
    for (let i = 0; i < 6 && !record.seen.some((s) => s.status === 429); i++) {
      expect((await patient.verifications.start({ to: '+5511987650402', channel: 'sms' })).status).toBe('pending');
    }
    const refused = record.seen.findIndex((s) => s.status === 429);
    expect(refused).toBeGreaterThanOrEqual(0);
    const [limitedAt, retried] = [record.seen[refused]!, record.seen[refused + 1]!];
    expect(retried.status).toBe(201);
    expect(retried.at - limitedAt.at).toBeGreaterThanOrEqual(Number(limitedAt.retryAfter) * 1000 - 5);
  }, 30_000);

  it('throws a resend cooldown at once, with its Retry-After, rather than waiting it out', async () => {
    const record = recordingFetch();
    const verity = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret }, { fetch: record.fetch, retries: 3 });
    // The start limit's own 429 is waited out; the resend's cooldown is not.
    const v = await verity.verifications.start({ to: '+5511987650403', channel: 'sms' });
    const before = record.seen.length;
    const started = Date.now();
    const err = await verity.verifications.resend(v.id).then(
      () => undefined,
      (e: VerityError) => e,
    );
    expect(err).toMatchObject({ code: 'RESEND_COOLDOWN', status: 429 });
    expect(err?.retryAfter).toBeGreaterThan(1);
    expect(record.seen.length - before).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  }, 30_000);
});
