import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The composition root registers the settings its features own; any process that builds the app has them.
import '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('the configuration with every feature’s settings', () => {
  it('refuses a vendor setting its schema forbids at boot, not only a wrong type: a bound, an unknown choice', () => {
    expect(problemsOf({ COMPAT_SMSC: '{"phoneFormat": "e165", "duplicateLimit": -1}' })).toEqual(['COMPAT_SMSC.duplicateLimit must be ≥ 0', 'COMPAT_SMSC.phoneFormat must be one of digits, e164']);
  });

  it('refuses a Zadarma time zone the runtime does not know when the configuration is read', () => {
    expect(problemsOf({ COMPAT_ZADARMA: '{"notifyTimeZone": "Mars/Olympus"}' })).toEqual(['COMPAT_ZADARMA.notifyTimeZone "Mars/Olympus" is not an IANA time zone']);
  });

  it('reports the checks features own (INBOUND_NUMBERS, ROUTES channels, COMPAT_VENDORS) together with every other problem', () => {
    const problems = problemsOf({
      PORT: 'x',
      INBOUND_NUMBERS: '[7]',
      ROUTES: '[{"channel": "fax", "provider": "sandbox"}]',
      COMPAT_VENDORS: 'claro,twilio',
      COMPAT_MESSAGECENTRAL: '{"errorHttpStatus": 500}',
    });
    expect(problems).toEqual([
      'PORT (port) must be an integer, got "x"',
      'COMPAT_MESSAGECENTRAL.errorHttpStatus must be an HTTP status from 200 to 499',
      'COMPAT_VENDORS: unknown vendor "twilio"; one of claro, smsc, zadarma, messagecentral',
      expect.stringMatching(/^INBOUND_NUMBERS\[0\] needs a number/),
      expect.stringMatching(/^ROUTES\[0\]\.channel must be one of sms, /),
    ]);
  });

  it('fills a route’s defaults and reads a calling-code prefix written as a number', () => {
    expect(loadConfig({ ROUTES: '[{"channel": "sms", "provider": "sandbox", "prefix": 55}]' }).routes).toEqual([{ channel: 'sms', provider: 'sandbox', prefix: '55', priority: 1, weight: 1 }]);
  });

  it('takes a variable set to nothing as unset: the default holds', () => {
    const c = loadConfig({ PORT: '', CODE_LENGTH: '', TRUST_PROXY: '' });
    expect([c.port, c.verification.codeLength, c.trustProxy]).toEqual([8080, 6, false]);
  });

  it('keeps the configuration module free of features: src/config imports none of them', () => {
    const dir = join(import.meta.dirname, '..', '..', 'src', 'config');
    const imports = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1] ?? ''}`));
    // Its own files, Node, TypeBox and the database URL helpers (infrastructure, not a feature).
    expect(imports.filter((i) => !/: (\.\/|node:|typebox|\.\.\/db\/database-url\.js$)/.test(i))).toEqual([]);
  });
});
