import { mkdtempSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { resolveSecrets } from './secrets.js';

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'sqlite:./data/verity.db', logLevel: 'info' });
    expect(c.verification).toEqual({ brand: 'Verity', codeLength: 6, ttlS: 600, maxAttempts: 5, maxSends: 5, resendCooldownS: 30, locale: 'en' });
    expect(c.limits.sendPerDestination).toEqual({ points: 5, durationSec: 600 });
    expect(c.limits.guessPerDestination).toEqual({ points: 10, durationSec: 3600 });
    expect(c.sandbox.magic.map((m) => m.to)).toContain('+15005550006');
    // Set but empty: no magic number at all, as for COMPAT_VENDORS.
    expect(loadConfig({ MAGIC_NUMBERS: '' }).sandbox.magic).toEqual([]);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', CODE_LENGTH: '12', LOG_LEVEL: 'loud', LIMIT_SEND_PER_DESTINATION: 'five', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toHaveLength(5);
    }
  });

  it('reads a JSON config file, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-cfg-'));
    const file = join(dir, 'verity.json');
    writeFileSync(file, JSON.stringify({ port: 9000, verification: { brand: 'Acme', codeLength: 8 }, limits: { startPerIp: { points: 7, durationSec: 60 } } }));
    const c = loadConfig({ VERITY_CONFIG: file, CODE_LENGTH: '4' });
    expect(c.port).toBe(9000);
    expect(c.verification).toMatchObject({ brand: 'Acme', codeLength: 4 });
    expect(c.limits.startPerIp).toEqual({ points: 7, durationSec: 60 });
  });

  it('refuses an unknown key in the config file (a typo must not be silently ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-cfg-'));
    const file = join(dir, 'verity.json');
    writeFileSync(file, JSON.stringify({ prot: 9000 }));
    expect(() => loadConfig({ VERITY_CONFIG: file })).toThrow(/unknown key "prot"/);
  });

  it('keeps accounts off private addresses and lets the operator’s providers reach them, unless told otherwise', () => {
    expect(loadConfig({}).outbound).toEqual({ allowPrivate: false, providersAllowPrivate: true });
    expect(loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'true', PROVIDERS_ALLOW_PRIVATE: 'false' }).outbound).toEqual({ allowPrivate: true, providersAllowPrivate: false });
  });

  it('still reads WEBHOOK_ALLOW_PRIVATE (and webhooks.allowPrivate in the file) as the older name of OUTBOUND_ALLOW_PRIVATE', () => {
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).outbound.allowPrivate).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOUND_ALLOW_PRIVATE: 'false' }).outbound.allowPrivate).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'verity-cfg-'));
    const file = join(dir, 'verity.json');
    writeFileSync(file, JSON.stringify({ webhooks: { allowPrivate: true, timeoutMs: 2000 } }));
    expect(loadConfig({ VERITY_CONFIG: file }).outbound.allowPrivate).toBe(true);
    expect(loadConfig({ VERITY_CONFIG: file, OUTBOUND_ALLOW_PRIVATE: 'false' }).outbound.allowPrivate).toBe(false);
  });

  it('requires the secrets with PostgreSQL', () => {
    expect(() => resolveSecrets(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }))).toThrow(/PEPPERS, ENCRYPTION_KEY and TOKEN_SIGNING_KEY are required/);
  });

  it('generates the secrets once for the embedded default and keeps them private', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-sec-'));
    const cfg = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'verity.db')}` });
    const a = resolveSecrets(cfg);
    const file = join(dir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = resolveSecrets(cfg);
    expect(b.peppers[0]?.equals(a.peppers[0] as Buffer)).toBe(true);
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
  });
});
