import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadSettings, settingsOf, settingsTable } from './load.js';
import { defineSettings, overridesSchema, setting } from './setting.js';

// A small core and a vendor of its own: the routine is driven by whatever schemas it is given.
const CORE = defineSettings({
  name: 'core',
  settings: {
    port: setting.int({ env: 'T_PORT', description: 'port', minimum: 0, maximum: 65535 }, 8080),
    debug: setting.bool({ env: 'T_DEBUG', description: 'debug' }, false),
    'net.host': setting.string({ env: 'T_HOST', description: 'host' }, '127.0.0.1'),
    'net.level': setting.oneOf({ env: 'T_LEVEL', description: 'level' }, ['low', 'high'], 'low'),
    'net.retries': setting.int({ env: 'T_RETRIES', description: 'retries', minimum: 1 }, 3),
    key: setting.string({ env: 'T_KEY', description: 'key', minLength: 32, secret: true }),
    tags: setting.list({ env: 'T_TAGS', description: 'tags' }, ['a', 'b']),
    'limits.send': setting.rule({ env: 'T_LIMIT', description: 'limit' }, { points: 5, durationSec: 600 }),
    pin: setting.int({ env: 'T_PIN', description: 'pin', secret: true }),
    rules: setting.json({ env: 'T_RULES', description: 'rules' }, Type.Array(Type.Object({ name: Type.String(), weight: Type.Integer({ minimum: 1, default: 1 }) }))),
    'net.tail': setting.bool({ env: 'T_TAIL', description: 'tail', alias: { env: 'T_OLD_TAIL', key: 'old.tail' } }, false),
  },
  check: (c) => (c.net.retries > 10 && !c.debug ? ['T_RETRIES above 10 needs T_DEBUG'] : []),
});

const FakeVendorSchema = Type.Object({
  size: Type.Integer({ minimum: 1, maximum: 9, default: 4, description: 'size' }),
  shape: Type.Union([Type.Literal('round'), Type.Literal('square')], { default: 'round', description: 'shape' }),
});
const VENDOR = defineSettings({
  name: 'fake',
  after: 'tags',
  settings: { 'vendors.fake': setting.json({ env: 'T_FAKE', description: 'fake vendor' }, overridesSchema(FakeVendorSchema)) },
});

const load = (env: Record<string, string>) => loadSettings([CORE, VENDOR], env);
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};
const fileWith = (content: unknown): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'verity-load-')), 'verity.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('loading settings from their schemas', () => {
  it('fills every default when nothing is given, and leaves a setting without one unset', () => {
    const c = settingsOf(load({}), CORE);
    expect(c).toEqual({
      port: 8080,
      debug: false,
      net: { host: '127.0.0.1', level: 'low', retries: 3, tail: false },
      key: undefined,
      pin: undefined,
      tags: ['a', 'b'],
      limits: { send: { points: 5, durationSec: 600 } },
      rules: undefined,
    });
    expect(settingsOf(load({}), VENDOR).vendors.fake).toBeUndefined();
  });

  it('coerces the environment’s text to each setting’s type, and fills defaults inside a JSON value', () => {
    const c = settingsOf(load({ T_PORT: ' 9000 ', T_DEBUG: 'yes', T_TAGS: 'x, y,,z', T_LIMIT: '7 / 60', T_RULES: '[{"name":"r"}]', T_LEVEL: 'high' }), CORE);
    expect(c).toMatchObject({ port: 9000, debug: true, tags: ['x', 'y', 'z'], limits: { send: { points: 7, durationSec: 60 } }, rules: [{ name: 'r', weight: 1 }] });
    expect(c.net.level).toBe('high');
  });

  it('reads a rule’s window after it, and keeps the setting’s default window when none is written', () => {
    const windowed = defineSettings({
      name: 'windowed',
      settings: { 'limits.start': setting.rule({ env: 'T_START', description: 'start' }, { points: 9, durationSec: 60, window: 'sliding' }) },
    });
    const start = (env: Record<string, string>) => settingsOf(loadSettings([CORE, windowed], env), windowed).limits.start;
    expect(start({})).toEqual({ points: 9, durationSec: 60, window: 'sliding' });
    expect(start({ T_START: '20/30' })).toEqual({ points: 20, durationSec: 30, window: 'sliding' });
    expect(start({ T_START: '20/30s fixed' })).toEqual({ points: 20, durationSec: 30, window: 'fixed' });
    expect(start({ VERITY_CONFIG: fileWith({ limits: { start: { points: 4, durationSec: 10 } } }) })).toEqual({ points: 4, durationSec: 10, window: 'sliding' });
    expect(settingsOf(load({ T_LIMIT: '7/60 sliding' }), CORE).limits.send).toEqual({ points: 7, durationSec: 60, window: 'sliding' });
    expect(problemsOf({ T_LIMIT: '7/60 rolling' })).toEqual(['T_LIMIT.window must be one of fixed, sliding']);
    expect(settingsTable([windowed])).toContain('| `T_START` | `limits.start` | `9/60 sliding` | start |');
  });

  it('refuses a value outside its bounds, naming the variable and the bounds', () => {
    expect(problemsOf({ T_PORT: '70000' })).toEqual(['T_PORT must be between 0 and 65535']);
    expect(problemsOf({ T_RETRIES: '0' })).toEqual(['T_RETRIES must be ≥ 1']);
    expect(problemsOf({ T_LEVEL: 'medium' })).toEqual(['T_LEVEL must be one of low, high']);
    expect(problemsOf({ T_RULES: '[{"name":"r","weight":0}]' })).toEqual(['T_RULES[0].weight must be ≥ 1']);
  });

  it('refuses a bad integer or boolean with the text it got, and never echoes a secret', () => {
    expect(problemsOf({ T_PORT: '80.5' })).toEqual(['T_PORT (port) must be an integer, got "80.5"']);
    expect(problemsOf({ T_DEBUG: 'maybe' })).toEqual(['T_DEBUG (debug) must be true or false, got "maybe"']);
    const secret = 'short-secret-value';
    const said = problemsOf({ T_KEY: secret });
    expect(said).toEqual(['T_KEY must be at least 32 characters']);
    expect(said.join()).not.toContain(secret);
    expect(problemsOf({ T_PIN: 'hunter2' })).toEqual(['T_PIN (pin) must be an integer']);
  });

  it('refuses an unknown key in a vendor’s settings and a value of the wrong type, naming the known keys', () => {
    expect(problemsOf({ T_FAKE: '{"colour": "red"}' })).toEqual(['T_FAKE: unknown key "colour"; one of size, shape']);
    expect(problemsOf({ T_FAKE: '{"size": "4"}' })).toEqual(['T_FAKE.size must be a number']);
    expect(problemsOf({ T_FAKE: '{"shape": "oval"}' })).toEqual(['T_FAKE.shape must be one of round, square']);
    expect(problemsOf({ T_FAKE: '[1]' })).toEqual(['T_FAKE must be a JSON object']);
  });

  it('keeps only what was given of a vendor’s settings: its defaults are the vendor’s to apply', () => {
    expect(settingsOf(load({ T_FAKE: '{"size": 2}' }), VENDOR).vendors.fake).toEqual({ size: 2 });
  });

  it('takes the environment over the file, and the new name over the old one', () => {
    const file = fileWith({ port: 9001, net: { host: 'file.example', retries: 5 }, old: { tail: true } });
    const c = settingsOf(load({ VERITY_CONFIG: file, T_HOST: 'env.example' }), CORE);
    expect(c).toMatchObject({ port: 9001, net: { host: 'env.example', retries: 5, tail: true } });
    expect(settingsOf(load({ VERITY_CONFIG: file, T_TAIL: 'false' }), CORE).net.tail).toBe(false);
    expect(settingsOf(load({ T_OLD_TAIL: 'true' }), CORE).net.tail).toBe(true);
  });

  it('reports every problem at once, in documentation order: the file, coercion, bounds, vendor keys, cross-setting checks', () => {
    const file = fileWith({ prot: 1, net: { retries: 11 } });
    expect(problemsOf({ VERITY_CONFIG: file, T_PORT: 'x', T_LEVEL: 'medium', T_LIMIT: 'five', T_FAKE: '{"colour": 1}', T_RULES: 'not json' })).toEqual([
      'config file: unknown key "prot"',
      'T_PORT (port) must be an integer, got "x"',
      'T_LEVEL must be one of low, high',
      'T_FAKE: unknown key "colour"; one of size, shape',
      'T_LIMIT (limits.send) must look like points/seconds (e.g. 5/600, or 1000/60 sliding for a sliding window), got "five"',
      'T_RULES (rules) must be JSON',
      'T_RETRIES above 10 needs T_DEBUG',
    ]);
  });

  it('prints one documentation row per setting, a module’s rows after the key it names, defaults as the environment writes them', () => {
    const table = settingsTable([CORE, VENDOR]).split('\n');
    expect(table.slice(0, 2)).toEqual(['| Environment | Config file key | Default | Meaning |', '|---|---|---|---|']);
    expect(table.slice(2).map((r) => r.split(' | ')[0])).toEqual([
      '| `T_PORT`',
      '| `T_DEBUG`',
      '| `T_HOST`',
      '| `T_LEVEL`',
      '| `T_RETRIES`',
      '| `T_KEY`',
      '| `T_TAGS`',
      '| `T_FAKE`',
      '| `T_LIMIT`',
      '| `T_PIN`',
      '| `T_RULES`',
      '| `T_TAIL`',
    ]);
    expect(table).toContain('| `T_LIMIT` | `limits.send` | `5/600` | limit |');
    expect(table).toContain('| `T_TAGS` | `tags` | `a, b` | tags |');
    expect(table).toContain('| `T_KEY` | `key` | — | key |');
  });

  it('refuses to hand out a module the configuration was not loaded with', () => {
    expect(() => settingsOf(loadSettings([CORE], {}), VENDOR)).toThrow(/loaded without the fake settings/);
  });
});
