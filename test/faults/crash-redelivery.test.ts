/**
 * Fault test: the server is killed (SIGKILL) while its hand-overs to an HTTP gateway are in flight,
 * the gateway having taken each request without answering yet. Restarted on the same SQLite file,
 * it hands every message over again, as at-least-once delivery must: nothing is lost, and each
 * re-send carries the Idempotency-Key of its first hand-over, so a gateway that honours the key
 * sends each message once. Real processes, loopback only, bounded to about 30 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey, startServer, stop, type RunningServer } from '../helpers/cli-process.js';

const MESSAGES = 6;

interface HandOver {
  key: string | undefined;
  to: string;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a crash with hand-overs in flight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verity-crash-'));
  const held: ServerResponse[] = [];
  const seen: HandOver[] = [];
  let holding = true;
  const gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const header = req.headers['idempotency-key'];
      seen.push({ key: typeof header === 'string' ? header : undefined, to: (JSON.parse(body) as { to: string }).to });
      // Before the crash the gateway has the message but Verity never hears so.
      if (holding) return void held.push(res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `gw-${seen.length}` }));
    });
  });
  let server: RunningServer | undefined;

  afterAll(async () => {
    if (server) await stop(server.child, 'SIGKILL');
    for (const res of held) res.destroy();
    gateway.closeAllConnections();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-sends every message after a restart, each with the Idempotency-Key of its first hand-over', { timeout: 60_000 }, async () => {
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PROVIDERS: JSON.stringify([{ name: 'gw', type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 30_000 }]),
      DELIVERY_POLL_MS: '100',
      // The shortest lease: the restarted worker may claim the crashed worker's messages a second on.
      DELIVERY_LEASE_MS: '1000',
    };
    const auth = await createKey(env);
    // Queued first, by a server without its worker: the worker's first claim then takes them all in
    // one batch, as a busy worker's claims fill up to DELIVERY_CONCURRENCY, and all are in flight.
    server = await startServer({ ...env, DELIVERY_WORKER: 'false' });
    const numbers = Array.from({ length: MESSAGES }, (_, i) => `+55119311100${String(i).padStart(2, '0')}`);
    for (const to of numbers) {
      const r = await fetch(`${server.base}/v1/verifications`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ to, channel: 'sms' }) });
      expect(r.status).toBe(201);
    }
    await stop(server.child);
    expect(seen).toHaveLength(0);
    server = await startServer(env);
    await until(() => seen.length === MESSAGES, 10_000, 'every message handed over');
    await stop(server.child, 'SIGKILL');
    server = undefined;
    const first = seen.splice(0);
    for (const res of held.splice(0)) res.destroy();

    // One key per message, never shared.
    expect(first.map((h) => h.to).sort()).toEqual(numbers);
    expect(first.every((h) => typeof h.key === 'string' && h.key.length > 0)).toBe(true);
    expect(new Set(first.map((h) => h.key)).size).toBe(MESSAGES);

    holding = false;
    server = await startServer(env);
    await until(() => seen.length >= MESSAGES, 15_000, 'every message handed over again');
    // At least once: each message again, none lost, and each under the key of its first hand-over.
    const keyOf = new Map(first.map((h) => [h.to, h.key]));
    expect(seen.map((h) => h.to).sort()).toEqual(numbers);
    for (const again of seen) expect(again.key, again.to).toBe(keyOf.get(again.to));
    await stop(server.child);
    server = undefined;
  });
});
