import { createSocket } from 'node:dgram';
import radius from 'radius';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const SECRET = 'radius-shared-secret';

/** Sends one Accounting-Request from a NAS socket and waits for the answer (or times out). */
async function account(port: number, identifier: number, status: string, secret = SECRET): Promise<Buffer | undefined> {
  const packet = radius.encode({
    code: 'Accounting-Request',
    secret,
    identifier,
    attributes: [
      ['Acct-Status-Type', status],
      ['Acct-Session-Id', 'feed-1'],
      ['Calling-Station-Id', '5511987657777'],
      ['Framed-IP-Address', '201.30.0.9'],
    ],
  });
  const nas = createSocket('udp4');
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      nas.once('message', (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      nas.send(packet, port, '127.0.0.1');
    });
  } finally {
    nas.close();
  }
}

describeOnBackends('the RADIUS feed of a running server', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { RADIUS_PORT: '0', RADIUS_SECRET: SECRET } });
    await t.app.inject({ method: 'PUT', url: '/v1/operator/ranges', headers: { authorization: t.auth(), 'content-type': 'application/json' }, payload: JSON.stringify({ ranges: ['201.30.0.0/16'] }) });
  });
  afterAll(async () => t?.close());
  const lookup = async () => (await t.post('/v1/operator/lookups', { msisdn: '+5511987657777', ip: '201.30.0.9' })).body.result as string;

  it('turns Start and Stop packets into a session the lookups see, and drops a packet with the wrong secret', async () => {
    const port = t.verity.radius?.port as number;
    expect(port).toBeGreaterThan(0);
    expect(await lookup()).toBe('no_match');
    const forged = await account(port, 1, 'Start', 'not-the-secret');
    expect(forged).toBeUndefined();
    expect(await lookup()).toBe('no_match');

    const started = await account(port, 2, 'Start');
    expect(started?.[0]).toBe(5); // Accounting-Response
    expect(await lookup()).toBe('verified_online');
    expect((await account(port, 3, 'Stop'))?.[0]).toBe(5);
    expect(await lookup()).toBe('verified_offline');
    expect(t.verity.radius?.stats).toMatchObject({ recorded: 2, responded: 2, badAuthenticator: 1 });
  });
});
