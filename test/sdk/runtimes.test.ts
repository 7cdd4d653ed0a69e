/**
 * The built client in Bun and Deno (each from its npm package): the same flow in each, against a
 * listening Verity, through the runtime's own fetch and WebCrypto. Deno runs with only network
 * access to that server and reads of the repository.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVerity, startVerity } from './verity-server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const FLOW = join(import.meta.dirname, 'fixtures', 'runtime-flow.mjs');
const BIN = join(ROOT, 'node_modules', '.bin');

let server: RunningVerity;
beforeAll(async () => {
  server = await startVerity();
});
afterAll(() => server?.close());

function environment(to: string): Record<string, string> {
  const secret = `whsec_${Buffer.from('a runtime test secret, 32 bytes!').toString('base64')}`;
  const body = JSON.stringify({ type: 'verification.approved', timestamp: new Date().toISOString(), data: { id: 'ver_0oB7BnP7gs9hcTZhhUVPZX' } });
  const now = new Date();
  const id = 'evt_0oB7BnP7gs9hcTZhhUVPZY';
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body) };
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    VERITY_URL: server.url,
    VERITY_KEY_ID: server.keyId,
    VERITY_SECRET: server.secret,
    VERITY_TO: to,
    WEBHOOK_SECRET: secret,
    WEBHOOK_BODY: body,
    WEBHOOK_HEADERS: JSON.stringify(headers),
    // Deno: no update check, no telemetry, its cache in the system's temporary directory.
    DENO_NO_UPDATE_CHECK: '1',
    DENO_DIR: join(process.env.TMPDIR ?? '/tmp', 'verity-deno-cache'),
    NO_COLOR: '1',
  };
}

const EXPECTED = {
  started: 'pending',
  checked: { valid: true, status: 'approved' },
  problem: { code: 'VERIFICATION_NOT_FOUND', status: 404, typed: true },
  webhook: 'verification.approved',
  tampered: 'invalid_signature',
};

describe('the typed client in other runtimes', () => {
  it('runs in Bun', async () => {
    const { stdout } = await run(join(BIN, 'bun'), ['run', FLOW], { env: environment('+5511987650191'), timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual(EXPECTED);
  }, 90_000);

  it('runs in Deno, allowed only the network to Verity and reads of the repository', async () => {
    const host = new URL(server.url).host;
    const { stdout } = await run(join(BIN, 'deno'), ['run', `--allow-net=${host}`, `--allow-read=${ROOT}`, '--allow-env', '--no-prompt', FLOW], {
      env: environment('+5511987650192'),
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual(EXPECTED);
  }, 90_000);
});
