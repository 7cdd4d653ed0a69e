/**
 * A Verity listening on a loopback port with the real clock, its delivery worker and the sandbox
 * provider, on a fresh in-memory SQLite: what the typed client talks to over real HTTP.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { TEST_SECRETS } from '../helpers/test-app.js';

export interface RunningVerity {
  url: string;
  keyId: string;
  secret: string;
  close(): Promise<void>;
}

export async function startVerity(env: Record<string, string> = {}): Promise<RunningVerity> {
  const app = await buildApp(
    loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'silent',
      LIMITS_STORE: 'memory',
      LIMIT_START_PER_IP: '100000/60',
      LIMIT_START_PER_ACCOUNT: '100000/60',
      // One destination per channel gets several sends and wrong codes across the suite.
      LIMIT_SEND_PER_DESTINATION: '0/600',
      LIMIT_GUESS_PER_DESTINATION: '0/600',
      // Every start comes from 127.0.0.1 to made-up numbers, which the pumping rules would refuse.
      FRAUD_MODE: 'off',
      // The webhook endpoint is a listener on this machine.
      OUTBOUND_ALLOW_PRIVATE: 'true',
      DELIVERY_POLL_MS: '20',
      ...TEST_SECRETS,
      ...env,
    }),
  );
  try {
    const operator = await app.verity.accounts.bootstrap();
    if (!operator) throw new Error('a fresh database made no operator key');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, keyId: operator.key_id, secret: operator.secret, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}

/** What `read` answers once `ok` holds, asking again every 25 ms for up to `ms`. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
