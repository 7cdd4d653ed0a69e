import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const enc = encodeURIComponent;

describeOnBackends('retention of verifications and their destinations', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { RETENTION_DAYS: '90', PII_RETENTION_DAYS: '30', LIMIT_SEND_PER_DESTINATION: '0/600' } });
  });
  afterAll(async () => t?.close());

  /** Every place the destination could be kept, read straight from the database. */
  const keptAnywhere = async (number: string) => {
    const db = t.verity.database.db;
    const v = await db.selectFrom('verifications').select('id').where('to', '=', number).execute();
    const m = await db.selectFrom('messages').select('id').where('to', '=', number).execute();
    const c = await db.selectFrom('calls').select('id').where('to', '=', number).execute();
    const inbox = await db.selectFrom('sandbox_messages').select('id').where('to', '=', number).execute();
    const rang = await db.selectFrom('sandbox_calls').select('id').where('to', '=', number).where('verification_id', 'is not', null).execute();
    return v.length + m.length + c.length + inbox.length + rang.length;
  };
  const count = async (table: 'verification_events' | 'messages' | 'calls' | 'sandbox_messages' | 'sandbox_calls', verificationId: string) =>
    (await t.verity.database.db.selectFrom(table).select('id').where('verification_id', '=', verificationId).execute()).length;

  it('pseudonymizes a destination after PII_RETENTION_DAYS everywhere it is kept, and still finds it by number', async () => {
    const number = '+5511987659921';
    const sms = (await t.post('/v1/verifications', { to: number, channel: 'sms' })).body;
    const ivr = (await t.post('/v1/verifications', { to: number, channel: 'ivr' })).body;
    const call = (await t.get(`/v1/sandbox/phones/${enc(number)}`)).body.calls.find((c: { verification_id: string }) => c.verification_id === ivr.id);
    await t.post(`/v1/sandbox/phones/${enc(number)}/calls/${call.id}/answer`);
    await t.post(`/v1/sandbox/phones/${enc(number)}/calls/${call.id}/keys`, { digits: '1' });
    // The verification rows, their messages, the call, the sandbox inbox's messages and the phone's call.
    expect(await keptAnywhere(number)).toBeGreaterThanOrEqual(7);

    t.clock.advance(29 * DAY);
    expect((await t.verity.retention.sweep()).pseudonymized).toBe(0);
    t.clock.advance(2 * DAY);
    expect((await t.verity.retention.sweep()).pseudonymized).toBeGreaterThanOrEqual(2);

    expect(await keptAnywhere(number)).toBe(0);
    const read = (await t.get(`/v1/verifications/${sms.id}`)).body;
    expect(read).toMatchObject({ to: '***21', country: 'BR', status: 'expired' });
    const found = await t.get(`/v1/verifications?to=${enc('+55 11 98765-9921')}`);
    expect(found.body.verifications.map((v: { id: string }) => v.id)).toEqual([ivr.id, sms.id]);
    expect((await t.get(`/v1/verifications?to=${enc('+5511987659922')}`)).body.verifications).toEqual([]);
    // The timeline stays: it never held the number.
    expect((await t.get(`/v1/verifications/${ivr.id}/events`)).body.events.at(-1).type).toBe('call.ended');
    // A second sweep has nothing left to do.
    expect((await t.verity.retention.sweep()).pseudonymized).toBe(0);
  });

  it('deletes verifications after RETENTION_DAYS with their timeline, messages and calls, a batch at a time', async () => {
    const old = (await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms' })).body;
    const ivr = (await t.post('/v1/verifications', { to: '+5511987659931', channel: 'ivr' })).body;
    const phone = (await t.get(`/v1/sandbox/phones/${enc('+5511987659931')}`)).body;
    await t.post(`/v1/sandbox/phones/${enc('+5511987659931')}/calls/${phone.calls[0].id}/answer`);
    // 1,200 more from the same day, written straight to the database: more than one batch.
    const template = await t.verity.database.db.selectFrom('verifications').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow();
    for (let i = 0; i < 1200; i += 400) {
      await t.verity.database.db
        .insertInto('verifications')
        .values(Array.from({ length: 400 }, (_, j) => ({ ...template, id: `ver_old${String(i + j).padStart(8, '0')}` })))
        .execute();
    }
    expect(await count('verification_events', ivr.id)).toBeGreaterThan(0);
    expect(await count('calls', ivr.id)).toBe(1);
    expect(await count('sandbox_calls', ivr.id)).toBe(1);
    expect(await count('sandbox_messages', old.id)).toBe(1);

    t.clock.advance(60 * DAY);
    const recent = (await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms' })).body;
    t.clock.advance(31 * DAY);
    const swept = await t.verity.retention.sweep();
    expect(swept.deleted).toBeGreaterThanOrEqual(1202);

    for (const id of [old.id, ivr.id]) {
      expect((await t.get(`/v1/verifications/${id}`)).status).toBe(404);
      expect(await count('verification_events', id)).toBe(0);
      expect(await count('messages', id)).toBe(0);
      expect(await count('calls', id)).toBe(0);
      expect(await count('sandbox_messages', id)).toBe(0);
      expect(await count('sandbox_calls', id)).toBe(0);
    }
    const attempts = await t.verity.database.db
      .selectFrom('message_attempts')
      .leftJoin('messages', 'messages.id', 'message_attempts.message_id')
      .select('message_attempts.id')
      .where('messages.id', 'is', null)
      .execute();
    expect(attempts).toEqual([]);
    expect((await t.get(`/v1/verifications/${recent.id}`)).status).toBe(200);
    expect((await t.verity.retention.sweep()).deleted).toBe(0);
  });
});
