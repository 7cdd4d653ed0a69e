import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFlagsOf, startNodeFlags } from '../../bench/start-flags.js';
import { loadConfig, resolveSecrets } from '../../src/config/index.js';
import { attempt, CLI, run, startServer, stop } from '../helpers/cli-process.js';

describe('the server as a real process', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'verity-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('prints the URLs and a first API key once, and never logs it (the README blocks run against such a server in readme.test.ts)', async () => {
    const dir = tmp();
    const env = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`, LOG_LEVEL: 'warn' };
    const { child, out, base } = await startServer(env);
    try {
      expect(out()).toContain(`${base}/docs`);
      const key = /export VERITY_KEY='([^']+)'/.exec(out())?.[1];
      expect(key).toMatch(/^vk_\w+:vs_[\w-]+$/);
      const balance = await fetch(`${base}/v1/balance`, { headers: { authorization: `Basic ${Buffer.from(key as string).toString('base64')}` } });
      expect(balance.status).toBe(200);
      const docs = await fetch(`${base}/openapi.json`);
      expect(((await docs.json()) as { openapi: string }).openapi).toBe('3.1.0');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    // The key was shown once: a restart on the same database prints none, and the log never held it.
    const again = await startServer(env);
    const secret = /export VERITY_KEY='[^:]+:([^']+)'/.exec(out())?.[1] as string;
    expect(again.out()).not.toContain('VERITY_KEY=');
    await stop(again.child);
    expect(again.out()).not.toContain(secret);
  });

  it('keys create --json prints only the key on an empty database, and a second call adds a key to the same account', async () => {
    const dir = tmp();
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`, LOG_LEVEL: 'info' };
    const first = await run(process.execPath, [CLI, 'keys', 'create', '--json'], { env });
    const k1 = JSON.parse(first.stdout) as { key_id: string; secret: string };
    expect(Object.keys(k1).sort()).toEqual(['key_id', 'secret']);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const second = await run(process.execPath, [CLI, 'keys', 'create', '--json'], { env });
    const k2 = JSON.parse(second.stdout) as { key_id: string; secret: string };
    expect(k2.key_id).not.toBe(k1.key_id);
    const { child, base } = await startServer({ ...env, PORT: '0', HOST: '127.0.0.1' });
    try {
      const auth = (k: typeof k1) => `Basic ${Buffer.from(`${k.key_id}:${k.secret}`).toString('base64')}`;
      const b1 = (await (await fetch(`${base}/v1/balance`, { headers: { authorization: auth(k1) } })).json()) as { account_id: string };
      const b2 = (await (await fetch(`${base}/v1/balance`, { headers: { authorization: auth(k2) } })).json()) as { account_id: string };
      expect(b1.account_id).toBe(b2.account_id);
    } finally {
      await stop(child);
    }
    // Three processes, one after another, the first migrating an empty database.
  }, 60_000);

  it('leaves delivery to a separate `verity worker` process when the server runs without one', async () => {
    const texts: string[] = [];
    const gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        texts.push((JSON.parse(body) as { text: string }).text);
        res.setHeader('content-type', 'application/json');
        res.end('{"id":"gw-1"}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    const dir = tmp();
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`,
      PROVIDERS: JSON.stringify([{ name: 'gw', type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id' }]),
      DELIVERY_POLL_MS: '100',
    };
    const { child, base } = await startServer({ ...env, PORT: '0', HOST: '127.0.0.1', DELIVERY_WORKER: 'false' });
    let worker: ChildProcess | undefined;
    try {
      const key = JSON.parse((await run(process.execPath, [CLI, 'keys', 'create', '--json'], { env })).stdout) as { key_id: string; secret: string };
      const auth = `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
      const started = await fetch(`${base}/v1/verifications`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+5511931110001', channel: 'sms' }),
      });
      expect(started.status).toBe(201);
      await new Promise((r) => setTimeout(r, 500));
      expect(texts).toHaveLength(0); // queued: nobody sends it

      worker = spawn(process.execPath, [CLI, 'worker'], { env, stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (texts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatch(/\b\d{6}\b/);
      expect(await stop(worker)).toBe(0);
    } finally {
      if (worker) await stop(worker);
      await stop(child);
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  });

  it('refuses to boot on a bad setting with a clear message and exit code 2', async () => {
    const r = await run(process.execPath, [CLI, 'serve'], { env: { ...process.env, PORT: 'eighty', CODE_LENGTH: '3' } }).catch((e: { code: number; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2 });
    expect((r as { stderr: string }).stderr).toContain('PORT (port) must be an integer');
    expect((r as { stderr: string }).stderr).toContain('CODE_LENGTH must be between 4 and 10');
  });
});

describe('the command line', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'verity-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('prints the usage and exits 0 when given no command, run directly or as npm run verity', async () => {
    // A database of its own, so that a server started by mistake would touch nothing and be killed by the timeout.
    const env = { DATABASE_URL: `sqlite:${join(tmp(), 'verity.db')}`, PORT: '0' };
    const direct = await attempt(process.execPath, [CLI], { env });
    expect(direct).toMatchObject({ code: 0, stderr: '' });
    expect(direct.stdout).toMatch(/^usage: verity <command>/);
    expect(direct.stdout).toContain('secrets generate [--json]');
    const viaNpm = await attempt('npm', ['run', '-s', 'verity'], { env });
    expect(viaNpm).toMatchObject({ code: 0, stdout: direct.stdout });
  });

  it('exits 2 with the usage for an unknown command or option, before reading the configuration', async () => {
    const env = { PORT: 'eighty' };
    const command = await attempt(process.execPath, [CLI, 'frobnicate'], { env });
    expect(command).toMatchObject({ code: 2, stdout: '' });
    expect(command.stderr).toMatch(/^unknown command "frobnicate"\nusage: verity <command>/);
    const option = await attempt(process.execPath, [CLI, 'keys', 'create', '--jsno'], { env });
    expect(option).toMatchObject({ code: 2, stdout: '' });
    expect(option.stderr).toMatch(/^keys create: unknown option "--jsno"\nusage: verity/);
    expect((await attempt(process.execPath, [CLI, 'secrets'])).code).toBe(2);
  });

  it('secrets generate prints fresh KEY=value lines that the configuration accepts for PostgreSQL', async () => {
    const first = await attempt(process.execPath, [CLI, 'secrets', 'generate']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split('=')[0])).toEqual(['PEPPERS', 'ENCRYPTION_KEY', 'TOKEN_SIGNING_KEY']);
    const values = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    // PostgreSQL requires all three and generates none, so this proves each value passes its own check.
    const config = loadConfig({ DATABASE_URL: 'postgres://verity@127.0.0.1:5432/verity', ...values });
    const secrets = resolveSecrets(config);
    expect(secrets.encryptionKey).toHaveLength(32);
    expect(secrets.peppers).toHaveLength(1);
    const second = await attempt(process.execPath, [CLI, 'secrets', 'generate']);
    expect(second.stdout.split('\n').filter((l) => first.stdout.includes(l) && l !== '')).toEqual([]);
  });

  it('secrets generate --json prints one object the configuration accepts', async () => {
    const r = await attempt('npm', ['run', '-s', 'verity', '--', 'secrets', 'generate', '--json']);
    expect(r.code).toBe(0);
    const values = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.keys(values)).toEqual(['PEPPERS', 'ENCRYPTION_KEY', 'TOKEN_SIGNING_KEY']);
    expect(() => resolveSecrets(loadConfig({ DATABASE_URL: 'postgres://verity@127.0.0.1:5432/verity', ...values }))).not.toThrow();
  });

  it('npm run -s verity -- keys create --json prints one line of JSON and nothing else on stdout, whatever the log level', async () => {
    const env = { DATABASE_URL: `sqlite:${join(tmp(), 'verity.db')}`, LOG_LEVEL: 'trace' };
    const r = await attempt('npm', ['run', '-s', 'verity', '--', 'keys', 'create', '--json'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(Object.keys(JSON.parse(r.stdout) as object).sort()).toEqual(['key_id', 'secret']);
  });
});

describe('node flags of npm start', () => {
  it('are the flags between node and the script, which the bench and this suite run the server with', () => {
    expect(nodeFlagsOf('node --max-semi-space-size=64 dist/src/cli.js serve')).toEqual(['--max-semi-space-size=64']);
    expect(nodeFlagsOf('node dist/src/cli.js serve')).toEqual([]);
    expect(() => nodeFlagsOf('tsx src/cli.ts serve')).toThrow('must run node directly');
  });

  it('are accepted by this node', async () => {
    const flags = startNodeFlags();
    const r = await run(process.execPath, [...flags, '-e', 'process.stdout.write("ok")']);
    expect(r.stdout).toBe('ok');
  });
});
