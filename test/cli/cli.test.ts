import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/lib/version.js';
import { attempt, CLI, startServer, stop, type Outcome } from '../helpers/cli-process.js';
import { LoopbackSmsc } from '../fakes/smpp/loopback-smsc.js';
import { closedPort } from '../helpers/loopback-ports.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh data directory: its own SQLite database and secrets file. */
function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'verity-cli-'));
  dirs.push(dir);
  return { DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`, LOG_LEVEL: 'warn', PROVIDERS: '', REDIS_URL: '', ...extra };
}

const verity = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> => attempt(process.execPath, [CLI, ...args], { env, timeoutMs: 30_000 });
const parsed = <T>(r: Outcome): T => JSON.parse(r.stdout) as T;

describe('verity help, version and usage errors', () => {
  it('prints the version with `version` and `--version`', async () => {
    expect(await verity(['version'])).toMatchObject({ code: 0, stdout: `${packageVersion()}\n` });
    expect(await verity(['--version'])).toMatchObject({ code: 0, stdout: `${packageVersion()}\n` });
  });

  it('lists every command in `help`, and each command answers --help with its purpose, options and an example', async () => {
    const help = await verity(['help']);
    expect(help.code).toBe(0);
    const names = [
      'doctor',
      'keys list',
      'keys create',
      'keys revoke',
      'accounts create',
      'accounts credit',
      'verifications start',
      'verifications get',
      'verifications check',
      'verifications list',
      'webhooks test',
      'completion',
      'version',
    ];
    const helps = await Promise.all(names.map((name) => verity([...name.split(' '), '--help'])));
    for (const [i, name] of names.entries()) {
      expect(help.stdout).toContain(`\n  ${name}`);
      const own = helps[i] as Outcome;
      expect(own.code, name).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^verity ${name}: .+\\n\\nusage: verity ${name}`));
      expect(own.stdout).toContain('options:\n');
      expect(own.stdout).toContain('example:\n  ');
    }
  }, 60_000);

  it('refuses an unknown option, a missing argument or a bad value with exit 2 and the usage, before reading the configuration', async () => {
    const env = { PORT: 'eighty' };
    const option = await verity(['keys', 'list', '--secret'], env);
    expect(option).toMatchObject({ code: 2, stdout: '' });
    expect(option.stderr).toMatch(/^keys list: unknown option "--secret"\nusage: verity keys list/);
    expect((await verity(['verifications', 'check', 'ver_1'], env)).code).toBe(2);
    expect((await verity(['keys', 'frob'], env)).stderr).toMatch(/^unknown keys command "frob"\nusage: verity keys <command>/);
    expect((await verity(['completion', 'fish'])).code).toBe(2);
    const limit = await verity(['verifications', 'list', '--limit', '0'], freshEnv());
    expect(limit).toMatchObject({ code: 2 });
    expect(limit.stderr).toContain('--limit must be a whole number');
  });

  it('prints completion scripts that the shell accepts', async () => {
    const bash = await verity(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _verity verity');
    expect(bash.stdout).toContain('words="start get check list"');
    execFileSync('bash', ['-n'], { input: bash.stdout });
    // What each shell offers after `verity verifications ` and after `--channel `.
    const bashOffers = (words: string[]) =>
      execFileSync('bash', ['--norc', '-c', `eval "$(cat)"; COMP_WORDS=(${words.map((w) => `"${w}"`).join(' ')}); COMP_CWORD=${words.length - 1}; _verity; echo "\${COMPREPLY[*]}"`], {
        input: bash.stdout,
      })
        .toString()
        .trim();
    expect(bashOffers(['verity', 'verifications', ''])).toBe('start get check list');
    expect(bashOffers(['verity', 'verifications', 'start', '--channel', 'w'])).toBe('whatsapp');
    const zsh = await verity(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef verity\n/);
    execFileSync('zsh', ['-n'], { input: zsh.stdout });
    // zsh's completion system stood in for by compadd and compdef that print what they are given.
    const zshOffers = (words: string[]) =>
      execFileSync(
        'zsh',
        ['-f', '-c', `compadd() { print -r -- "$*" }; compdef() { print -r -- "compdef $*" }; eval "$(cat)"; words=(${words.map((w) => `"${w}"`).join(' ')}); CURRENT=${words.length}; _verity`],
        { input: zsh.stdout },
      )
        .toString()
        .trim();
    expect(zshOffers(['verity', ''])).toMatch(/^compdef _verity verity\n-- serve worker migrate doctor keys/);
    expect(zshOffers(['verity', 'verifications', ''])).toBe('compdef _verity verity\n-- start get check list');
    expect(zshOffers(['verity', 'verifications', 'start', '--channel', ''])).toBe('compdef _verity verity\n-- sms whatsapp rcs voice ivr flash_call reverse_call silent email');
  });
});

describe('verity keys and accounts on a fresh data directory', () => {
  it('creates, lists and revokes keys, and keys list never prints a secret', async () => {
    const env = freshEnv();
    const none = await verity(['keys', 'list'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the database has no account yet');
    const first = parsed<{ key_id: string; secret: string }>(await verity(['keys', 'create', '--json'], env));
    const second = await verity(['keys', 'create'], env);
    expect(second.stdout).toMatch(/^key id\s+vk_\w+\nsecret\s+vs_[\w-]+\n$/);
    const list = await verity(['keys', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+CREATED\s+REVOKED\n/);
    expect(list.stdout).toContain(first.key_id);
    const listed = parsed<{ account_id: string; keys: Array<Record<string, unknown>> }>(await verity(['keys', 'list', '--json'], env));
    expect(listed.keys).toHaveLength(2);
    expect(Object.keys(listed.keys[0] as object).sort()).toEqual(['created_at', 'id', 'name', 'revoked_at']);
    expect(list.stdout + JSON.stringify(listed)).not.toContain(first.secret);
    expect(await verity(['keys', 'revoke', first.key_id, '--json'], env)).toMatchObject({ code: 0, stdout: `{"key_id":"${first.key_id}","revoked":true}\n` });
    const again = await verity(['keys', 'revoke', first.key_id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`has no active key ${first.key_id}`);
    const after = parsed<{ keys: Array<{ id: string; revoked_at: string | null }> }>(await verity(['keys', 'list', '--json'], env));
    expect(after.keys.find((k) => k.id === first.key_id)?.revoked_at).toMatch(/^\d{4}-/);
  }, 60_000);

  it('creates an account with its first key and credits it, a negative amount included', async () => {
    const env = freshEnv();
    await verity(['keys', 'create', '--json'], env);
    const created = await verity(['accounts', 'create', '--name', 'Acme', '--balance', '12.5', '--json'], env);
    expect(created.code).toBe(0);
    const { account, key } = parsed<{ account: { id: string; name: string; balance: number; postpaid: boolean; currency: string }; key: { key_id: string; secret: string } }>(created);
    expect(account).toMatchObject({ name: 'Acme', balance: 12.5, postpaid: false, currency: 'USD' });
    expect(key.secret).toMatch(/^vs_/);
    const text = await verity(['accounts', 'create', '--name', 'Postpaid Co', '--postpaid'], env);
    expect(text.stdout).toMatch(/postpaid\s+true\n/);
    expect(text.stdout).toMatch(/secret\s+vs_/);
    expect(await verity(['accounts', 'credit', account.id, '-2.5'], env)).toMatchObject({ code: 0, stdout: `${account.id} balance 10 USD\n` });
    expect(parsed<{ balance: number }>(await verity(['accounts', 'credit', account.id, '5', '--json'], env)).balance).toBe(15);
    expect(await verity(['accounts', 'credit', 'acc_missing', '5'], env)).toMatchObject({ code: 1, stderr: 'verity: there is no account acc_missing\n' });
    expect((await verity(['accounts', 'credit', account.id, 'ten'], env)).code).toBe(2);
    const keys = parsed<{ account_id: string; keys: unknown[] }>(await verity(['keys', 'list', '--account', account.id, '--json'], env));
    expect(keys).toMatchObject({ account_id: account.id, keys: [{ id: key.key_id, name: 'default' }] });
  }, 60_000);
});

describe('verity verifications', () => {
  it('starts, reads, checks and lists a verification as the operator account', async () => {
    const env = freshEnv();
    await verity(['keys', 'create'], env);
    // A magic test number: the sandbox delivers it and its code is always 123456.
    const started = await verity(['verifications', 'start', '--to', '+15005550006', '--channel', 'sms', '--json'], env);
    expect(started.code).toBe(0);
    const v = parsed<{ id: string; status: string; channel: string; sends: number }>(started);
    expect(v).toMatchObject({ status: 'pending', channel: 'sms', sends: 1 });
    const got = await verity(['verifications', 'get', v.id], env);
    expect(got.stdout).toMatch(new RegExp(`^id\\s+${v.id}\\n`));
    expect(got.stdout).toMatch(/status\s+pending/);
    const wrong = parsed<{ valid: boolean; attempts: number }>(await verity(['verifications', 'check', v.id, '000000', '--json'], env));
    expect(wrong).toMatchObject({ valid: false, attempts: 1 });
    const right = await verity(['verifications', 'check', v.id, '123456'], env);
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/valid\s+true/);
    expect(right.stdout).toMatch(/status\s+approved/);
    const list = parsed<{ verifications: Array<{ id: string }>; next_cursor: string | null }>(await verity(['verifications', 'list', '--status', 'approved', '--limit', '5', '--json'], env));
    expect(list.verifications.map((x) => x.id)).toEqual([v.id]);
    expect((await verity(['verifications', 'list', '--status', 'pending'], env)).stdout).toBe('(none)\n');
    expect((await verity(['verifications', 'list'], env)).stdout).toMatch(/^ID\s+TO\s+CHANNEL\s+STATUS\s+CREATED\n/);
    const missing = await verity(['verifications', 'get', 'ver_missing'], env);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/^verity: VERIFICATION_NOT_FOUND/);
    expect((await verity(['verifications', 'start', '--channel', 'sms'], env)).code).toBe(2);
  }, 60_000);
});

describe('verity webhooks test', () => {
  it('sends a signed test event to the endpoint and prints its answer', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    let answer = 204;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end(answer === 204 ? undefined : 'try later');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const env = freshEnv({ OUTBOUND_ALLOW_PRIVATE: 'true' });
    try {
      const key = parsed<{ key_id: string; secret: string }>(await verity(['keys', 'create', '--json'], env));
      // Endpoints are made over the API; the server is stopped before the command runs.
      const server = await startServer({ ...env, PORT: '0', HOST: '127.0.0.1' });
      let endpoint: { id: string; secret: string };
      try {
        const res = await fetch(`${server.base}/v1/webhooks`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }),
        });
        expect(res.status).toBe(201);
        endpoint = (await res.json()) as { id: string; secret: string };
      } finally {
        await stop(server.child);
      }
      const ok = await verity(['webhooks', 'test', endpoint.id, '--json'], env);
      expect(ok.code).toBe(0);
      expect(parsed<{ status: number; error: null }>(ok)).toMatchObject({ endpoint_id: endpoint.id, delivery_id: expect.stringMatching(/^whd_/), status: 204, outcome: 'succeeded', error: null });
      const hit = received[0] as { headers: IncomingHttpHeaders; body: string };
      expect(JSON.parse(hit.body)).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });
      expect(() => new Webhook(endpoint.secret).verify(hit.body, hit.headers as Record<string, string>)).not.toThrow();
      answer = 503;
      const refused = await verity(['webhooks', 'test', endpoint.id], env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/status\s+503\noutcome\s+will be retried at \S+ by a running server\n/);
      const json = await verity(['webhooks', 'test', endpoint.id, '--json'], env);
      expect(parsed<{ outcome: string }>(json)).toMatchObject({ status: 503, outcome: 'retrying', error: 'HTTP_503' });
      expect(received).toHaveLength(3);
      expect((await verity(['webhooks', 'test', 'whk_missing'], env)).code).toBe(1);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 60_000);
});

describe('verity doctor', () => {
  it('lists the pending migrations of a database never migrated, exits 1, and is content once migrated', async () => {
    const env = freshEnv();
    const fresh = await verity(['doctor'], env);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/^ok {7}config: every setting is valid\n/m);
    expect(fresh.stdout).toMatch(/^problem {2}database: .* lacks \d+ migration\(s\): 0001-initial, .*\(fix: run `verity migrate`/m);
    expect((await verity(['migrate'], env)).code).toBe(0);
    const migrated = await verity(['doctor', '--json'], env);
    expect(migrated.code).toBe(0);
    expect(parsed<{ ok: boolean; checks: Array<{ name: string; ok: boolean }> }>(migrated)).toMatchObject({
      ok: true,
      checks: expect.arrayContaining([{ name: 'database', ok: true, detail: expect.stringContaining('schema current') }]),
    });
  }, 60_000);

  it('reports a bad setting as a problem, exit 1', async () => {
    const r = await verity(['doctor'], freshEnv({ CODE_LENGTH: '3' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^problem {2}config: .*CODE_LENGTH must be between 4 and 10/);
  });

  it('finds an SMTP provider on a closed port, answers ok for one that speaks EHLO, and never prints a secret', async () => {
    const mail = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false });
    await new Promise<void>((resolve) => mail.listen(0, '127.0.0.1', resolve));
    const port = (mail.server.address() as AddressInfo).port;
    const password = 'hunter2-never-printed';
    const smtp = (name: string, p: number) => ({ name, type: 'smtp', host: '127.0.0.1', port: p, user: 'verity', password, from: 'Verity <no-reply@example.com>' });
    const providers = JSON.stringify([smtp('up', port), smtp('down', await closedPort())]);
    try {
      const env = freshEnv({ PROVIDERS: providers, PROVIDERS_ALLOW_PRIVATE: 'true' });
      await verity(['migrate'], env);
      const r = await verity(['doctor'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^ok {7}provider up \\(smtp\\): 127\\.0\\.0\\.1:${port} answered EHLO$`, 'm'));
      expect(r.stdout).toMatch(/^problem {2}provider down \(smtp\): 127\.0\.0\.1:\d+: ECONNREFUSED.*\(fix: check host, port/m);
      expect(r.stdout + r.stderr).not.toContain(password);
      // With PROVIDERS_ALLOW_PRIVATE=false the guard refuses loopback, and the fix says so.
      const guarded = await verity(['doctor', '--json'], freshEnv({ PROVIDERS: providers, PROVIDERS_ALLOW_PRIVATE: 'false' }));
      const checks = parsed<{ checks: Array<{ name: string; ok: boolean; fix?: string }> }>(guarded).checks;
      expect(checks.find((c) => c.name === 'provider up (smtp)')).toMatchObject({ ok: false, fix: expect.stringContaining('PROVIDERS_ALLOW_PRIVATE=true') });
      expect(guarded.stdout).not.toContain(password);
    } finally {
      await new Promise<void>((resolve) => mail.close(() => resolve()));
    }
  }, 60_000);

  it('binds to an SMPP provider and unbinds without submitting, and names a refused bind', async () => {
    const smsc = await LoopbackSmsc.start({ systemId: 'verity', password: 'smpp-pass' });
    const smpp = (name: string, password: string) => ({ name, type: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'verity', password });
    try {
      const env = freshEnv({ PROVIDERS: JSON.stringify([smpp('good', 'smpp-pass'), smpp('wrong', 'not-the-pass')]), PROVIDERS_ALLOW_PRIVATE: 'true' });
      await verity(['migrate'], env);
      const r = await verity(['doctor'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^ok {7}provider good \\(smpp\\): 127\\.0\\.0\\.1:${smsc.port} accepted the bind \\(then unbound\\)$`, 'm'));
      expect(r.stdout).toMatch(/^problem {2}provider wrong \(smpp\): .* refused the bind: ESME_R\w+ \(fix: check systemId, password and systemType/m);
      expect(smsc.submits).toEqual([]);
      expect(smsc.binds.length).toBeGreaterThanOrEqual(2);
      expect(smsc.unbinds).toBe(1);
      expect(r.stdout + r.stderr).not.toContain('smpp-pass');
    } finally {
      await smsc.close();
    }
  }, 60_000);

  it('checks an HTTP provider with a HEAD to its base URL and Redis when REDIS_URL is set', async () => {
    const methods: string[] = [];
    const gateway = createServer((req, res) => {
      methods.push(req.method ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    try {
      const providers = JSON.stringify([{ name: 'gw', type: 'http', url, body: { to: '{to}', text: '{text}' } }]);
      const env = freshEnv({ PROVIDERS: providers, PROVIDERS_ALLOW_PRIVATE: 'true', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
      await verity(['migrate'], { ...env, REDIS_URL: '' });
      const r = await verity(['doctor'], env);
      expect(r.stdout).toMatch(/^ok {7}provider gw \(http\): http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 200$/m);
      expect(methods).toEqual(['HEAD']);
      expect(r.stdout).toMatch(/^problem {2}redis: redis:\/\/127\.0\.0\.1:\d+.*\(fix: check REDIS_URL/m);
      expect(r.code).toBe(1);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  }, 60_000);
});
