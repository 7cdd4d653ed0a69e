/**
 * Fault test: the SMTP server is down for 20 s while verification emails are queued, then comes
 * back. Every email must arrive, exactly once, with the code its verification accepts. Loopback
 * only; bounded to about 40 s per backend.
 */
import { createServer, type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const OUTAGE_MS = 20_000;
const EMAILS = 8;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeOnBackends('SMTP outage', (backend) => {
  let t: TestApp;
  let port: number;
  let server: SMTPServer | undefined;
  const inbox: Array<{ to: string; text: string }> = [];

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp(backend, {
      env: {
        PROVIDERS: JSON.stringify([{ name: 'mail', type: 'smtp', host: '127.0.0.1', port, from: 'no-reply@verity.test', pool: false, connectionTimeoutMs: 500, greetingTimeoutMs: 500 }]),
        DELIVERY_WORKER: 'true',
        DELIVERY_POLL_MS: '100',
        DELIVERY_BACKOFF_MS: '200',
        DELIVERY_BACKOFF_MAX_MS: '2000',
        DELIVERY_MAX_ATTEMPTS: '100',
        BREAKER_HALF_OPEN_MS: '1000',
      },
      build: { clock: systemClock },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('delivers every queued email once the server is back, none lost and none twice', { timeout: 60_000 }, async () => {
    const started: Array<{ id: string; to: string }> = [];
    for (let i = 0; i < EMAILS; i++) {
      const to = `user${i}@example.org`;
      const r = await t.post('/v1/verifications', { to, channel: 'email' });
      expect(r.status).toBe(201);
      started.push({ id: r.body.id, to });
    }
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // Down the whole time: nothing sent, nothing given up; each message was tried and is waiting,
    // either for its backoff or for the provider's breaker to let a trial through.
    const during = await t.verity.database.db.selectFrom('messages').select(['id', 'status', 'error']).where('channel', '=', 'email').execute();
    expect(during).toHaveLength(EMAILS);
    for (const m of during) {
      expect(['queued', 'sending']).toContain(m.status);
      expect(['CONNECTION_FAILED', 'CIRCUIT_OPEN']).toContain(m.error);
      const log = await t.verity.outbox.attempts(m.id);
      expect(log.some((a) => a.error === 'CONNECTION_FAILED' && a.retryable === 1)).toBe(true);
    }

    server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text: mail.text ?? '' });
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    await until(() => inbox.length >= EMAILS, 20_000);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up here

    expect(inbox).toHaveLength(EMAILS);
    for (const v of started) {
      const mails = inbox.filter((m) => m.to === v.to);
      expect(mails).toHaveLength(1);
      const code = /\b(\d{6})\b/.exec(mails[0]?.text ?? '')?.[1];
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body).toMatchObject({ valid: true, status: 'approved' });
    }
    const after = await t.verity.database.db.selectFrom('messages').select(['status', 'payload_sealed']).where('channel', '=', 'email').execute();
    expect(after.every((m) => m.status === 'sent' && m.payload_sealed === null)).toBe(true);
  });
});
