import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedKey } from '../../src/accounts/key-service.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Property: whatever arrives — any body, content type, query string, path id or credentials —
 * the server answers below 500, in JSON, with problem+json and a registered code for every
 * 4xx, and only a 201 from POST /v1/verifications ever creates a verification.
 *
 * SQLite only: the property is about request handling (parsing, validation, authentication,
 * error mapping), which is the same code whatever the store; the store contract is covered by
 * the per-backend suites. Set FUZZ_SEED to replay a run, FUZZ_RUNS to change its length.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

type IdKind = 'ver' | 'svc' | 'tpl' | 'vk' | 'acc' | 'whk' | 'prv' | 'snd' | 'vpc' | 'vcr';
type Group = 'public' | 'oauth' | 'verifications' | 'services' | 'templates' | 'accounts' | 'sandbox' | 'webhooks' | 'providers' | 'operator' | 'numbers' | 'sounds' | 'compat';

interface Route {
  group: Group;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** As registered; `:id` is replaced by a generated id. */
  path: string;
  id?: IdKind;
  /** Whether a 2xx answer is JSON (the docs UI, its static files and /metrics are not). */
  json: boolean;
  /** The error format when it is not problem+json: a compat route answers in its vendor's own. */
  errors?: 'camara' | 'vendor';
  /** Body members this route knows, to build near-valid bodies; `required` ones are almost always sent. */
  keys?: readonly string[];
  required?: readonly string[];
}

const START_KEYS = ['to', 'channel', 'workflow', 'service', 'locale', 'code_length', 'code', 'template', 'sender', 'metadata', 'ivr', 'device'] as const;
const SERVICE_KEYS = ['name', 'brand', 'code_length', 'ttl_s', 'max_attempts', 'max_sends', 'resend_cooldown_s', 'channels', 'locale', 'webotp_domain', 'android_app_hash', 'workflow'] as const;
const TEMPLATE_KEYS = ['name', 'channel', 'locale', 'body', 'subject', 'html'] as const;

/** Every route the app registers (HEAD twins aside), from src/app.ts, src/http/* and the route files. */
const ROUTES: readonly Route[] = [
  { group: 'public', method: 'GET', path: '/healthz', json: true },
  { group: 'public', method: 'GET', path: '/readyz', json: true },
  { group: 'public', method: 'GET', path: '/metrics', json: false },
  { group: 'public', method: 'GET', path: '/openapi.json', json: true },
  { group: 'public', method: 'GET', path: '/docs', json: false },
  { group: 'public', method: 'GET', path: '/docs/', json: false },
  { group: 'public', method: 'GET', path: '/docs/js/scalar.js', json: false },
  { group: 'public', method: 'GET', path: '/docs/openapi.json', json: true },
  { group: 'public', method: 'GET', path: '/docs/openapi.yaml', json: false },
  { group: 'public', method: 'POST', path: '/v1/providers/:id/callback', id: 'prv', json: true },
  { group: 'public', method: 'GET', path: '/v1/providers/:id/callback', id: 'prv', json: true },
  { group: 'public', method: 'GET', path: '/number-verification/v2/authorize', json: false, errors: 'camara' },
  {
    group: 'public',
    method: 'POST',
    path: '/number-verification/v2/token',
    json: true,
    errors: 'camara',
    keys: ['grant_type', 'code', 'client_id', 'client_secret'],
    required: ['grant_type', 'code'],
  },
  { group: 'public', method: 'POST', path: '/number-verification/v2/verify', json: true, errors: 'camara', keys: ['phoneNumber', 'hashedPhoneNumber'] },
  { group: 'public', method: 'GET', path: '/number-verification/v2/device-phone-number', json: true, errors: 'camara' },
  { group: 'public', method: 'GET', path: '/v1/sounds/:id/audio', id: 'snd', json: false },
  { group: 'public', method: 'GET', path: '/v1/silent/:name/callback', json: true },
  { group: 'public', method: 'GET', path: '/v1/silent/device/:token', json: true },
  { group: 'public', method: 'POST', path: '/oauth2/v1/token', json: true, errors: 'vendor', keys: ['grant_type'] },
  { group: 'public', method: 'POST', path: '/identity/v1/mobileidentities/smvs', json: true, errors: 'vendor', keys: ['data'] },
  // SMSC answers in its own formats (plain text, CSV, XML or JSON by fmt), always HTTP 200.
  ...(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const).map(
    (method): Route => ({ group: 'public', method, path: '/sys/wait_call.php', json: false, keys: ['login', 'psw', 'apikey', 'phone', 'fmt', 'charset'] }),
  ),
  // Zadarma: every path with and without its trailing slash, on every method (a wrong one answers
  // "Wrong request method"); errors in its {"status":"error"} envelope.
  ...['/v1/verify', '/v1/verify/check', '/v1/info/balance', '/v1/pbx/ivr/sounds/list', '/v1/pbx/ivr/sounds/upload', '/v1/pbx/ivr/sounds/delete']
    .flatMap((path) => [path, `${path}/`])
    .flatMap((path) =>
      (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map(
        (method): Route => ({ group: 'public', method, path, json: true, errors: 'vendor', keys: ['channel', 'to', 'code', 'request_id', 'format', 'language'] }),
      ),
    ),
  // Message Central VerifyNow: errors in its {responseCode, message} envelope (401 in Spring's).
  { group: 'public', method: 'GET', path: '/auth/v1/authentication/token', json: true, errors: 'vendor' },
  { group: 'public', method: 'POST', path: '/verification/v3/send', json: true, errors: 'vendor', keys: ['countryCode', 'mobileNumber', 'flowType', 'otpLength'] },
  { group: 'public', method: 'GET', path: '/verification/v3/validateOtp', json: true, errors: 'vendor' },
  { group: 'public', method: 'POST', path: '/verification/v3/validateOtp', json: true, errors: 'vendor', keys: ['verificationId', 'code'] },
  { group: 'public', method: 'GET', path: '/verification/v3/validateOtp/', json: true, errors: 'vendor' },
  { group: 'public', method: 'POST', path: '/verification/v3/validateOtp/', json: true, errors: 'vendor', keys: ['verificationId', 'code'] },
  { group: 'compat', method: 'POST', path: '/v1/compat/credentials', json: true, keys: ['vendor', 'login', 'settings'], required: ['vendor'] },
  { group: 'compat', method: 'GET', path: '/v1/compat/credentials', json: true },
  { group: 'compat', method: 'PATCH', path: '/v1/compat/credentials/:id', id: 'vcr', json: true, keys: ['settings'], required: ['settings'] },
  { group: 'compat', method: 'DELETE', path: '/v1/compat/credentials/:id', id: 'vcr', json: true },
  { group: 'oauth', method: 'POST', path: '/oauth/token', json: true, keys: ['grant_type', 'client_id', 'client_secret', 'scope'], required: ['grant_type'] },
  { group: 'verifications', method: 'POST', path: '/v1/verifications', json: true, keys: START_KEYS, required: ['to', 'channel'] },
  { group: 'verifications', method: 'GET', path: '/v1/verifications', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/verifications/export', json: false },
  { group: 'verifications', method: 'GET', path: '/v1/verifications/:id', id: 'ver', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/analytics/verifications', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/analytics/providers', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/geo', json: true },
  { group: 'verifications', method: 'PUT', path: '/v1/fraud/geo', json: true, keys: ['account', 'service', 'channel', 'default', 'countries'] },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/settings', json: true },
  { group: 'verifications', method: 'PUT', path: '/v1/fraud/settings', json: true, keys: ['account', 'service', 'mode', 'threshold', 'caps'] },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/spend', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/safe-list', json: true },
  { group: 'verifications', method: 'POST', path: '/v1/fraud/safe-list', json: true, keys: ['account', 'number', 'prefix', 'note'] },
  { group: 'verifications', method: 'DELETE', path: '/v1/fraud/safe-list/:entry', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/decisions', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/fraud/blocks', json: true },
  { group: 'verifications', method: 'DELETE', path: '/v1/fraud/blocks/:id', json: true },
  { group: 'verifications', method: 'GET', path: '/v1/verifications/:id/events', id: 'ver', json: true },
  { group: 'verifications', method: 'POST', path: '/v1/verifications/:id/check', id: 'ver', json: true, keys: ['code'], required: ['code'] },
  { group: 'verifications', method: 'POST', path: '/v1/verifications/:id/resend', id: 'ver', json: true, keys: ['channel'] },
  { group: 'verifications', method: 'POST', path: '/v1/verifications/:id/cancel', id: 'ver', json: true },
  { group: 'services', method: 'POST', path: '/v1/services', json: true, keys: SERVICE_KEYS, required: ['name'] },
  { group: 'services', method: 'GET', path: '/v1/services', json: true },
  { group: 'services', method: 'GET', path: '/v1/services/:id', id: 'svc', json: true },
  { group: 'services', method: 'PATCH', path: '/v1/services/:id', id: 'svc', json: true, keys: SERVICE_KEYS },
  { group: 'services', method: 'DELETE', path: '/v1/services/:id', id: 'svc', json: true },
  { group: 'templates', method: 'POST', path: '/v1/templates', json: true, keys: TEMPLATE_KEYS, required: ['name', 'channel', 'locale', 'body'] },
  { group: 'templates', method: 'GET', path: '/v1/templates', json: true },
  { group: 'templates', method: 'GET', path: '/v1/templates/:id', id: 'tpl', json: true },
  { group: 'templates', method: 'PUT', path: '/v1/templates/:id', id: 'tpl', json: true, keys: TEMPLATE_KEYS, required: ['name', 'channel', 'locale', 'body'] },
  { group: 'templates', method: 'DELETE', path: '/v1/templates/:id', id: 'tpl', json: true },
  { group: 'accounts', method: 'GET', path: '/v1/balance', json: true },
  { group: 'accounts', method: 'GET', path: '/v1/keys', json: true },
  { group: 'accounts', method: 'POST', path: '/v1/keys', json: true, keys: ['name'], required: ['name'] },
  { group: 'accounts', method: 'DELETE', path: '/v1/keys/:id', id: 'vk', json: true },
  { group: 'accounts', method: 'POST', path: '/v1/accounts', json: true, keys: ['name', 'postpaid', 'balance', 'currency'], required: ['name'] },
  { group: 'accounts', method: 'GET', path: '/v1/accounts/:id', id: 'acc', json: true },
  { group: 'accounts', method: 'POST', path: '/v1/accounts/:id/credit', id: 'acc', json: true, keys: ['amount'], required: ['amount'] },
  { group: 'accounts', method: 'PUT', path: '/v1/accounts/:id/prices', id: 'acc', json: true, keys: ['prices'], required: ['prices'] },
  { group: 'sandbox', method: 'GET', path: '/v1/sandbox/messages', json: true },
  { group: 'sandbox', method: 'GET', path: '/v1/sandbox/phones/:number', json: true },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/calls/:id/answer', id: 'vpc', json: true },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/calls/:id/keys', id: 'vpc', json: true, keys: ['digits'], required: ['digits'] },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/calls/:id/hangup', id: 'vpc', json: true },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/dial', json: true, keys: ['to'], required: ['to'] },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/online', json: true, keys: ['ip', 'port'], required: ['ip'] },
  { group: 'sandbox', method: 'POST', path: '/v1/sandbox/phones/:number/offline', json: true },
  { group: 'numbers', method: 'POST', path: '/v1/numbers', json: true, keys: ['number', 'purpose', 'country'], required: ['number', 'purpose'] },
  { group: 'numbers', method: 'GET', path: '/v1/numbers', json: true },
  { group: 'numbers', method: 'DELETE', path: '/v1/numbers/:purpose/:number', json: true },
  { group: 'sounds', method: 'POST', path: '/v1/sounds', json: true },
  { group: 'sounds', method: 'GET', path: '/v1/sounds', json: true },
  { group: 'sounds', method: 'GET', path: '/v1/sounds/:id', id: 'snd', json: true },
  { group: 'sounds', method: 'DELETE', path: '/v1/sounds/:id', id: 'snd', json: true },
  { group: 'webhooks', method: 'POST', path: '/v1/webhooks', json: true, keys: ['url', 'events', 'service', 'description'], required: ['url'] },
  { group: 'webhooks', method: 'GET', path: '/v1/webhooks', json: true },
  { group: 'webhooks', method: 'GET', path: '/v1/webhooks/:id', id: 'whk', json: true },
  { group: 'webhooks', method: 'DELETE', path: '/v1/webhooks/:id', id: 'whk', json: true },
  { group: 'webhooks', method: 'GET', path: '/v1/webhooks/:id/deliveries', id: 'whk', json: true },
  { group: 'webhooks', method: 'POST', path: '/v1/webhooks/:id/deliveries/:delivery_id/replay', id: 'whk', json: true },
  { group: 'webhooks', method: 'POST', path: '/v1/webhooks/:id/test', id: 'whk', json: true },
  { group: 'providers', method: 'POST', path: '/v1/providers', json: true, keys: ['name', 'type', 'options'], required: ['name', 'type', 'options'] },
  { group: 'providers', method: 'GET', path: '/v1/providers', json: true },
  { group: 'providers', method: 'GET', path: '/v1/providers/:id', id: 'prv', json: true },
  { group: 'providers', method: 'DELETE', path: '/v1/providers/:id', id: 'prv', json: true },
  { group: 'providers', method: 'GET', path: '/v1/routes', json: true },
  { group: 'providers', method: 'PUT', path: '/v1/routes', json: true, keys: ['routes'], required: ['routes'] },
  { group: 'operator', method: 'GET', path: '/v1/operator/ranges', json: true },
  { group: 'operator', method: 'PUT', path: '/v1/operator/ranges', json: true, keys: ['ranges'], required: ['ranges'] },
  { group: 'operator', method: 'POST', path: '/v1/operator/cgnat', json: true },
  { group: 'operator', method: 'POST', path: '/v1/operator/lookups', json: true, keys: ['msisdn', 'ip', 'port', 'timestamp'], required: ['msisdn', 'ip'] },
];

const GROUPS: readonly Group[] = ['public', 'oauth', 'verifications', 'services', 'templates', 'accounts', 'sandbox', 'webhooks', 'providers', 'operator', 'numbers', 'sounds', 'compat'];
const ID_KINDS: readonly IdKind[] = ['ver', 'svc', 'tpl', 'vk', 'acc', 'whk', 'prv', 'snd', 'vpc', 'vcr'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** `METHOD /path` for every route in `app.printRoutes({ commonPrefix: false })`, HEAD left out. */
function registeredRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^(.*?)(?:├── |└── )(\S+)(?: \(([^)]*)\))?\s*$/.exec(line);
    if (!m) continue;
    const depth = [...(m[1] ?? '')].length / 4;
    stack.length = depth;
    const path = stack.join('') + (m[2] ?? '');
    stack.push(m[2] ?? '');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method !== 'HEAD') out.push(`${method} ${path}`);
    }
  }
  return out.sort();
}

// ---- value generators ----------------------------------------------------------------------------

const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '%',
    '%zz',
    '%E0%A4%A',
    '%25',
    '\ud800',
    '\r\n',
    '<script>alert(1)</script>',
    "'; drop table verifications; --",
    '{code}',
    '{ code }',
    '{Code}',
    '{brand} {minutes} {code}',
    '{unknown}',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'Infinity',
    '-Infinity',
    '1e309',
    '-1e309',
    'NaN',
    '-0',
    '0x10',
    '1e2',
    ' 5',
    '٣',
    '١٢٣٤٥٦',
    'null',
    'true',
    '[]',
    '{}',
    '😀'.repeat(300),
    'a'.repeat(5000),
    'x'.repeat(255),
    'x'.repeat(256),
  ),
);

const hugeNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 3, 4, 10, 11, 29, 30, 100, 101, 200, 201, 3600, 86_400, 86_401, 1000, 1000.5, 1e9, 1e9 + 1, -1e9 - 1, 1e21, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 5e-324, 0.1, 1e-7),
);

const anyValue = fc.oneof(weirdString, hugeNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 }));

const phone = fc.oneof(
  fc.constantFrom(
    '+5511987654321',
    '+5511912345678',
    '+551133334444',
    '+15005550006',
    '+15005550001',
    '+14155552671',
    '+447700900123',
    '+79161234567',
    '5511987654321',
    '+1234',
    '+999999999999',
    '+55 11 98765-4321',
    '  +5511987654321  ',
    '+',
    '++5511987654321',
    `+${'9'.repeat(40)}`,
  ),
  fc.stringMatching(/^\+[0-9]{1,20}$/),
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('delivered@example.com', 'undeliverable@example.com', 'Ana.Silva@Example.COM', ' ana@example.com ', 'a@b', 'not-an-email', '+ana@example.com', `${'a'.repeat(250)}@example.com`),
);
const channel = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call', 'reverse_call', 'silent', 'email') },
  { weight: 1, arbitrary: fc.constantFrom('fax', 'SMS', '', 'push') },
);
const locale = fc.constantFrom('en', 'pt-BR', 'es', 'ru', 'id', 'in', 'xx', 'pt-PT', 'ru-RU,ru;q=0.9,en;q=0.8', 'constructor', '__proto__', '', ';;,,', 'x'.repeat(36));
const code = fc.oneof(fc.stringMatching(/^[0-9]{4,10}$/), fc.constantFrom('123456', '000000', 'abc', '12', '12345678901', ''));
const templateBody = fc.oneof(
  fc.constantFrom('Your {brand} code is {code}', 'Code: {code}, valid {minutes} min', '{code}', 'no placeholder', '{ code } {CODE}', `${'x'.repeat(995)}{code}`, `${'😀'.repeat(1001)}{code}`),
  weirdString.map((s) => `${s}{code}`),
);
const metadata = fc.dictionary(fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('__proto__', 'constructor', 'k'.repeat(65), '')), anyValue, { maxKeys: 25 });

// ---- requests --------------------------------------------------------------------------------------

type Payload = { kind: 'none' } | { kind: 'value'; value: unknown } | { kind: 'raw'; text: string };
type PathId = { kind: 'pool'; i: number } | { kind: 'other-kind'; i: number } | { kind: 'literal'; text: string };
type Auth = 'operator' | 'tenant' | 'operator-bearer' | 'tenant-bearer' | 'none' | 'wrong-secret' | { header: string };

interface FuzzRequest {
  route: Route;
  method: string;
  id: PathId;
  query: string;
  auth: Auth;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  payload: Payload;
}

interface Pools {
  ids: Record<IdKind, string[]>;
  services: string[];
  templates: string[];
}

/** Plausible values per body member; the ids come from what the setup created. */
function valueFor(key: string, pools: Pools): fc.Arbitrary<unknown> {
  const mixed = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: anyValue });
  switch (key) {
    case 'to':
      return mixed(fc.oneof(phone, email));
    case 'channel':
      return mixed(channel);
    case 'channels':
      return mixed(fc.array(channel, { maxLength: 6 }));
    case 'service':
      return mixed(fc.constantFrom(...pools.services, 'svc_1111111111111111111'));
    case 'template':
      return mixed(fc.constantFrom(...pools.templates, 'tpl_1111111111111111111'));
    case 'locale':
      return mixed(locale);
    case 'url':
      return mixed(
        fc.constantFrom('http://127.0.0.1:9/hook', 'https://hooks.example.com/verity', 'http://169.254.169.254/latest', 'ftp://x/y', 'http://user:pw@h/x', 'http://[::1]/x', 'javascript:alert(1)'),
      );
    case 'type':
      return mixed(fc.constantFrom('http', 'smtp', 'smpp', 'twilio', 'vonage', 'whatsapp', 'fax'));
    case 'options':
      return mixed(
        fc.oneof(
          fc.constant({ url: 'http://127.0.0.1:9/send', body: { to: '{to}', text: '{text}' } }),
          fc.constant({ url: 'http://127.0.0.1:9/{nope}' }),
          fc.constant({ host: '127.0.0.1', from: 'a@b.example', port: 1 }),
          fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 5 }),
        ),
      );
    case 'routes':
      return mixed(
        fc.array(
          fc.record(
            { channel, provider: fc.constantFrom('sandbox', 'fuzz-gw', 'nobody'), prefix: fc.constantFrom('55', '+1', 'x', ''), priority: fc.integer({ min: -2000, max: 2000 }) },
            { requiredKeys: ['channel', 'provider'] },
          ),
          { maxLength: 5 },
        ),
      );
    case 'ranges':
      return mixed(fc.array(fc.constantFrom('201.10.0.0/16', '10.0.0.0/33', '::/0', '2804:14c::/32', 'x', '1.2.3.4'), { maxLength: 5 }));
    case 'msisdn':
      return mixed(phone);
    case 'ip':
      return mixed(fc.constantFrom('201.10.1.1', '::1', '2804:14c::10', '999.1.1.1', '', '::ffff:1.2.3.4'));
    case 'port':
      return mixed(fc.integer({ min: -10, max: 70_000 }));
    case 'timestamp':
      return mixed(fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday', '1970-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'));
    case 'phoneNumber':
      return mixed(phone);
    case 'hashedPhoneNumber':
      return mixed(fc.constantFrom('a'.repeat(64), 'zz', ''));
    case 'login':
    case 'psw':
    case 'apikey':
      return mixed(fc.constantFrom('acme', 'x', '', 'd41d8cd98f00b204e9800998ecf8427e'));
    case 'phone':
      return mixed(fc.constantFrom('5511987654321', '+5511987654321', '1', 'x'));
    case 'fmt':
      return mixed(fc.constantFrom(0, 1, 2, 3, '3', 9));
    case 'charset':
      return mixed(fc.constantFrom('utf-8', 'koi8-r', 'windows-1251', 'ebcdic'));
    case 'request_id':
    case 'verificationId':
      return mixed(fc.constantFrom('N2QreWpjS25mR3EvOW8rdGNHdFF2aVE9', '2949', 'x', ''));
    case 'format':
      return mixed(fc.constantFrom('json', 'xml', ''));
    case 'language':
      return mixed(fc.constantFrom('en', 'ru', 'ua', 'xx'));
    case 'countryCode':
      return mixed(fc.constantFrom('55', '+55', '91', 'x'));
    case 'mobileNumber':
      return mixed(fc.constantFrom('11987654321', '9999999999', '', 'x'));
    case 'flowType':
      return mixed(fc.constantFrom('SMS', 'WHATSAPP', 'AUDIO', 'SAUTH', 'EMAIL', 'FAX'));
    case 'otpLength':
      return mixed(fc.constantFrom(4, 6, 8, 3, 9, '4'));
    case 'vendor':
      return mixed(fc.constantFrom('claro', 'zadarma', 'smsc', 'messagecentral', 'twilio'));
    case 'settings':
      return mixed(fc.constantFrom({ notify_url: 'https://app.example/notify' }, { callback_url: 1 }, {}));
    case 'data':
      return mixed(
        fc.record(
          {
            msisdn: fc.constantFrom('5511987654321', 5511987654321, 'x'),
            ip: fc.constantFrom('198.51.100.7', '::1', 'x'),
            port: fc.integer({ min: -1, max: 70_000 }),
            timestamp: fc.constantFrom(1767225600, 1.7e9, 'now', -1),
          },
          { requiredKeys: [] },
        ),
      );
    case 'ivr':
      return mixed(
        fc.record(
          { greeting_text: fc.constantFrom('Press 1', '', 'x'.repeat(501)), greeting_sound: fc.constantFrom('snd_0000000000000000000', 'snd_1111111111111111111', 'nope'), confirm_text: weirdString },
          { requiredKeys: [] },
        ),
      );
    case 'device':
      return mixed(
        fc.record(
          { ip: fc.constantFrom('201.10.1.1', '::1', '999.1.1.1', ''), port: fc.integer({ min: -10, max: 70_000 }), timestamp: fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday') },
          { requiredKeys: [] },
        ),
      );
    case 'digits':
      return mixed(fc.constantFrom('1', '2', '#', '12', '', 'x', '1'.repeat(11)));
    case 'number':
      return mixed(fc.constantFrom('+5511912345678', '+4420794600XXXX', '+1', 'x', '+55 11 91234-5678'));
    case 'purpose':
      return mixed(fc.constantFrom('reverse_call', 'flash_call', 'sms'));
    case 'country':
      return mixed(fc.constantFrom('BR', '*', 'br', 'UK', 'XX', ''));
    case 'workflow':
      return mixed(fc.array(fc.record({ channel, timeout_s: fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 4000 })) }, { requiredKeys: ['channel'] }), { maxLength: 7 }));
    case 'events':
      return mixed(fc.array(fc.constantFrom('verification.started', 'verification.approved', 'message.failed', 'nope'), { maxLength: 10 }));
    case 'code':
      return mixed(code);
    case 'code_length':
    case 'ttl_s':
    case 'max_attempts':
    case 'max_sends':
    case 'resend_cooldown_s':
    case 'amount':
    case 'balance':
    case 'price':
      return mixed(fc.oneof(hugeNumber, fc.constantFrom('6', '30', 'Infinity', '-Infinity', '1e309', '4.5')));
    case 'metadata':
      return mixed(metadata);
    case 'body':
    case 'html':
      return mixed(templateBody);
    case 'subject':
      return mixed(fc.constantFrom('Your code', 'Code {code}', 'two\nlines', ''));
    case 'name':
    case 'brand':
    case 'sender':
      return mixed(fc.oneof(fc.string({ maxLength: 110 }), weirdString));
    case 'postpaid':
      return mixed(fc.boolean());
    case 'currency':
      return mixed(fc.constantFrom('USD', 'BRL', 'usd', 'EURO', ''));
    case 'webotp_domain':
      return mixed(fc.constantFrom('example.com', 'Example.com', 'a'.repeat(254), 'ex ample.com'));
    case 'android_app_hash':
      return mixed(fc.constantFrom('FA+9qCX9VSu', 'short', 'FA+9qCX9VSu!'));
    case 'prices':
      return mixed(
        fc.array(fc.record({ channel, prefix: fc.oneof(fc.stringMatching(/^[0-9]{0,15}$/), weirdString), price: fc.oneof(hugeNumber, fc.constantFrom('Infinity', '0.01')) }, { requiredKeys: [] }), {
          maxLength: 5,
        }),
      );
    case 'grant_type':
      return mixed(fc.constantFrom('client_credentials', 'password', 'authorization_code', ''));
    case 'client_id':
      return mixed(fc.constantFrom(...pools.ids.vk, 'vk_1111111111111111111', '%', '%zz', '%E0%A4%A', 'vk_%41', ''));
    case 'client_secret':
    case 'scope':
      return mixed(weirdString);
    default:
      return anyValue;
  }
}

const ABSENT = Symbol('absent');
/** An optional member: present about one time in four. */
function sometimes<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | typeof ABSENT> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: a });
}

/** A destination that suits its channel, so that starts get past validation and reach the store. */
const destination = fc.oneof(
  fc.record({
    to: fc.constantFrom('+5511987654321', '+5511912345678', '+14155552671', '+447700900123', '+79161234567', '+15005550006', '+15005550001'),
    channel: fc.constantFrom('sms', 'whatsapp', 'rcs', 'voice'),
  }),
  fc.record({ to: fc.constant('+551133334444'), channel: fc.constant('voice') }),
  fc.record({ to: fc.oneof(fc.emailAddress(), fc.constantFrom('delivered@example.com', 'undeliverable@example.com', 'Ana.Silva@Example.COM')), channel: fc.constant('email') }),
);

const PLAUSIBLE_KEYS = [...new Set(ROUTES.flatMap((r) => r.keys ?? []).concat(['prefix', 'price', 'limit', 'id', 'valid', 'status']))];

function payloadArb(route: Route, pools: Pools): fc.Arbitrary<Payload> {
  const keys = route.keys ?? [];
  const required = route.required ?? [];
  const shaped = fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, required.includes(k) ? valueFor(k, pools) : sometimes(valueFor(k, pools))]))),
      keys.includes('to') ? fc.oneof({ weight: 4, arbitrary: destination }, { weight: 1, arbitrary: fc.constant({}) }) : fc.constant({}),
      fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...PLAUSIBLE_KEYS), fc.string({ maxLength: 10 })), anyValue) }),
    )
    .map(([o, dest, extra]) => {
      const body: Record<string, unknown> = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ABSENT));
      Object.assign(body, dest);
      if (extra) body[extra[0]] = extra[1];
      return body;
    });
  const loose = fc.dictionary(fc.constantFrom(...PLAUSIBLE_KEYS), anyValue, { maxKeys: 6 });
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((value): Payload => ({ kind: 'value', value })) },
    { weight: 2, arbitrary: loose.map((value): Payload => ({ kind: 'value', value })) },
    { weight: 2, arbitrary: fc.anything().map((value): Payload => ({ kind: 'value', value })) },
    { weight: 1, arbitrary: fc.json().map((text): Payload => ({ kind: 'raw', text })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          weirdString,
          fc.constantFrom('{', '{"to":', '[1,2', '{"a":1}{"b":2}', 'nul', '\ufeff{}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', `${'['.repeat(5000)}${']'.repeat(5000)}`),
        )
        .map((text): Payload => ({ kind: 'raw', text })),
    },
    { weight: 1, arbitrary: fc.constant<Payload>({ kind: 'none' }) },
  );
}

const contentTypeArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      'text/plain',
      'text/plain; charset=utf-8',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/problem+json',
      'application/octet-stream',
      '',
      ';;;',
      'application/',
      '*/*',
      'application/json, text/plain',
    ),
  },
  { weight: 1, arbitrary: printable(40) },
);

function pathIdArb(kind: IdKind): fc.Arbitrary<PathId> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((i): PathId => ({ kind: 'pool', i })) },
    { weight: 1, arbitrary: fc.nat().map((i): PathId => ({ kind: 'other-kind', i })) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-HJ-NP-Za-km-z]{8,40}$/).map((s): PathId => ({ kind: 'literal', text: `${kind}_${s}` })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s): PathId => ({ kind: 'literal', text: encode(s) })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('%', '%zz', '%00', '..', '.', '%2F', '%2e%2e', 'é', '%C3%A9', '%20', '%FF', `${kind}_${'x'.repeat(100)}`, `${kind}_`, `${kind}_0000000O`, 'null', '__proto__', '*')
        .map((text): PathId => ({ kind: 'literal', text })),
    },
  );
}

const queryArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'to',
              'limit',
              'id',
              'channel',
              '__proto__',
              'to[]',
              'limit[0]',
              'cursor',
              'status',
              'country',
              'created_from',
              'account',
              'metadata.k',
              'metadata.__proto__',
              'order',
              'from',
              'to',
              'interval',
              'group_by',
              'provider',
              'service',
            ),
            fc.string({ maxLength: 8 }),
          ),
          fc.oneof(weirdString, phone, email, fc.nat({ max: 300 }).map(String)),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [toWellFormed(k), toWellFormed(v)])).toString()}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?',
      '?&&==',
      '?limit=Infinity',
      '?limit=-1',
      '?limit=0',
      '?limit=201',
      '?limit=1e309',
      '?to=%',
      '?to=a&to=b',
      '?%zz=1',
      '?to=%2B5511987654321',
      '?to=+5511987654321',
      '?limit=5&limit=6',
    ),
  },
);

function authArb(): fc.Arbitrary<Auth> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant<Auth>('operator') },
    { weight: 4, arbitrary: fc.constant<Auth>('tenant') },
    { weight: 3, arbitrary: fc.constantFrom<Auth>('operator-bearer', 'tenant-bearer') },
    { weight: 3, arbitrary: fc.constant<Auth>('none') },
    // A wrong secret for a real key costs a full scrypt (~50 ms): kept rare to bound the run.
    { weight: 1, arbitrary: fc.constant<Auth>('wrong-secret') },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constantFrom('Basic', 'Basic ', 'Bearer', 'Bearer ', 'Basic !!!', 'Bearer a.b.c', 'Digest x', 'basic Og==', `Basic ${Buffer.from('vk_1111111111111111111:vs_nope').toString('base64')}`),
          printable(60).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
          printable(60).map((s) => `Bearer ${s}`),
          printable(60),
        )
        .map((header): Auth => ({ header })),
    },
  );
}

function requestArb(group: Group, pools: Pools): fc.Arbitrary<FuzzRequest> {
  // One arbitrary per route, built once: building them per sample (fc.chain) costs more than the requests.
  const shared = {
    query: queryArb,
    auth: authArb(),
    contentType: contentTypeArb,
    // Reused keys replay earlier answers or collide with another body; too long ones must be refused.
    idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom('k1', 'k2', 'k3') }, { weight: 1, arbitrary: printable(300) }),
  };
  const routes = ROUTES.filter((r) => r.group === group).map((route) => ({
    // Starts are the property's point (no verification from an invalid one): they get more runs.
    weight: route.path === '/v1/verifications' && route.method === 'POST' ? 3 : 1,
    arbitrary: fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      id: pathIdArb(route.id ?? 'ver'),
      payload: payloadArb(route, pools),
      ...shared,
    }),
  }));
  return fc.oneof(...routes);
}

function encode(s: string): string {
  return encodeURIComponent(toWellFormed(s));
}

/** Lone surrogates replaced, as a browser would before sending. */
function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function serialize(payload: Payload, contentType: string | undefined): string | undefined {
  if (payload.kind === 'none') return undefined;
  if (payload.kind === 'raw') return payload.text;
  const v = payload.value;
  if (contentType?.startsWith('application/x-www-form-urlencoded') && v && typeof v === 'object' && !Array.isArray(v)) {
    return new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [toWellFormed(k), toWellFormed(typeof x === 'string' ? x : (JSON.stringify(x) ?? ''))])).toString();
  }
  return JSON.stringify(v) ?? '';
}

// ---- the suite -------------------------------------------------------------------------------------

describe('fuzz: random requests on every route (sqlite)', () => {
  let t: TestApp;
  let tenant: { accountId: string; key: IssuedKey };
  let tokens: { operator: string; tenant: string };
  let pools: Pools;
  let baseline = 0;
  let started = 0; // verifications created by 201 answers from POST /v1/verifications

  async function countVerifications(): Promise<number> {
    const row = await t.verity.database.db.selectFrom('verifications').select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function setupPost(url: string, body: unknown, key: IssuedKey = t.operator): Promise<Record<string, string>> {
    const r = await t.post(url, body, key);
    if (r.status !== 201) throw new Error(`setup ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as Record<string, string>;
  }

  async function token(key: IssuedKey): Promise<string> {
    const r = await t.post('/oauth/token', { grant_type: 'client_credentials' }, key);
    if (r.status !== 200) throw new Error(`setup token answered ${r.status}`);
    return r.body.access_token as string;
  }

  beforeAll(async () => {
    // 0 points disables a limit: rate limiting must not mask validation.
    // Webhook endpoints on loopback are allowed so the setup can create one without a network.
    t = await startTestApp(SQLITE, { env: { LIMIT_START_PER_IP: '0/60', LIMIT_START_PER_ACCOUNT: '0/60', LIMIT_SEND_PER_DESTINATION: '0/600', WEBHOOK_ALLOW_PRIVATE: 'true' } });
    tenant = await t.tenant({ balance: 10 });
    tokens = { operator: await token(t.operator), tenant: await token(tenant.key) };
    const operatorAccount = (await t.get('/v1/balance')).body.account_id as string;
    const extra = (await setupPost('/v1/accounts', { name: 'fuzz extra', balance: 1 })) as unknown as { account: { id: string } };

    const opSvc = await setupPost('/v1/services', { name: 'fuzz', brand: 'Fuzz' });
    const opSvcEmail = await setupPost('/v1/services', { name: 'email only', channels: ['email'] });
    const tenSvc = await setupPost('/v1/services', { name: 'tenant svc' }, tenant.key);
    const opTplSms = await setupPost('/v1/templates', { name: 'sms', channel: 'sms', locale: 'en', body: 'Your {brand} code: {code}' });
    const opTplEmail = await setupPost('/v1/templates', { name: 'email', channel: 'email', locale: 'en', body: 'Code {code}', subject: 'Your code', html: '<p>{code}</p>' });
    const tenTpl = await setupPost('/v1/templates', { name: 'tenant sms', channel: 'sms', locale: 'en', body: 'Code {code}' }, tenant.key);
    const vers = [
      await setupPost('/v1/verifications', { to: '+5511987654321', channel: 'sms' }),
      await setupPost('/v1/verifications', { to: 'fuzz@example.com', channel: 'email', template: opTplEmail.id }),
      await setupPost('/v1/verifications', { to: '+551133334444', channel: 'voice' }),
      await setupPost('/v1/verifications', { to: '+15005550006', channel: 'sms' }),
      await setupPost('/v1/verifications', { to: '+5511912345678', channel: 'whatsapp' }, tenant.key),
    ];
    // Keys the fuzzer may revoke; the operator's and the tenant's own keys stay out of reach.
    const spareOp = await setupPost('/v1/keys', { name: 'spare' });
    const spareTen = await setupPost('/v1/keys', { name: 'spare' }, tenant.key);
    const prov = [await setupPost('/v1/providers', { name: 'fuzz-gw', type: 'http', options: { url: 'http://127.0.0.1:9/send', body: { to: '{to}', text: '{text}' } } })];
    const sound = 'snd_0000000000000000000';
    await t.verity.sounds.insert({ id: sound, account_id: operatorAccount, name: 'fuzz', content_type: 'audio/wav', size: 4, duration_ms: 1, data: 'AAAAAA==', created_at: 0 });
    const hooks = [await setupPost('/v1/webhooks', { url: 'http://127.0.0.1:9/a' }), await setupPost('/v1/webhooks', { url: 'http://127.0.0.1:9/b' }, tenant.key)];

    pools = {
      ids: {
        ver: vers.map((v) => v.id as string),
        svc: [opSvc.id, opSvcEmail.id, tenSvc.id] as string[],
        tpl: [opTplSms.id, opTplEmail.id, tenTpl.id] as string[],
        vk: [spareOp.key_id, spareTen.key_id] as string[],
        acc: [operatorAccount, tenant.accountId, extra.account.id],
        whk: hooks.map((h) => h.id as string),
        prv: prov.map((p) => p.id as string),
        snd: [sound],
        vpc: (await t.verity.phone.list(operatorAccount, '+551133334444', 5)).map((c) => c.id),
        vcr: [((await setupPost('/v1/compat/credentials', { vendor: 'claro' })) as { id: string }).id],
      },
      services: [opSvc.id, opSvcEmail.id, tenSvc.id] as string[],
      templates: [opTplSms.id, opTplEmail.id, tenTpl.id] as string[],
    };
    baseline = await countVerifications();
  });
  afterAll(async () => t?.close());

  function authorization(a: Auth): string | undefined {
    if (typeof a === 'object') return a.header;
    switch (a) {
      case 'operator':
        return t.auth(t.operator);
      case 'tenant':
        return t.auth(tenant.key);
      case 'operator-bearer':
        return `Bearer ${tokens.operator}`;
      case 'tenant-bearer':
        return `Bearer ${tokens.tenant}`;
      case 'wrong-secret':
        return t.auth({ key_id: t.operator.key_id, secret: `${t.operator.secret}x` });
      case 'none':
        return undefined;
    }
  }

  function pathOf(r: FuzzRequest): string {
    // The virtual phone the setup's voice verification rang, a pool purpose, a silent route name.
    let path = r.route.path.replace(':number', '%2B551133334444').replace(':purpose', 'reverse_call').replace(':name', 'camara').replace(':token', 'v1.AAAA.BBBB.CCCC');
    if (r.route.id) {
      let id: string;
      if (r.id.kind === 'literal') id = r.id.text;
      else {
        const pool = r.id.kind === 'pool' ? pools.ids[r.route.id] : ID_KINDS.filter((k) => k !== r.route.id).flatMap((k) => pools.ids[k]);
        id = pool[r.id.i % pool.length] as string;
      }
      path = path.replace(':id', id).replace(':delivery_id', 'whd_1111111111111111111');
    }
    return path + r.query;
  }

  /** Sends one generated request and checks everything the property promises about its answer. */
  async function exercise(r: FuzzRequest): Promise<{ status: number; body: string }> {
    const url = pathOf(r);
    const headers: Record<string, string> = {};
    const auth = authorization(r.auth);
    if (auth !== undefined) headers.authorization = auth;
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
    const payload = serialize(r.payload, r.contentType);

    const before = await countVerifications();
    const res = await t.app.inject({ method: r.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    const after = await countVerifications();

    const what = `${r.method} ${url} [${JSON.stringify(headers)}] ${payload === undefined ? '(no body)' : JSON.stringify(payload.slice(0, 500))}\n  -> ${res.statusCode} ${String(res.headers['content-type'])} ${res.body.slice(0, 500)}`;

    expect(res.statusCode, what).toBeLessThan(500);
    const isStart = r.method === 'POST' && r.route.path === '/v1/verifications';
    const created = isStart && res.statusCode === 201 && res.headers['idempotent-replayed'] !== 'true' ? 1 : 0;
    expect(after - before, `verifications created by ${what}`).toBe(created);
    started += created;

    expect(res.body, `secret leaked by ${what}`).not.toContain(t.operator.secret);
    expect(res.body, `secret leaked by ${what}`).not.toContain(tenant.key.secret);

    // A compat route answers in its vendor's format; another method on its path never reaches it.
    if (res.statusCode >= 400 && r.route.errors === 'camara' && r.method === r.route.method && res.statusCode !== 404) {
      expect(String(res.headers['content-type']), what).toMatch(/^application\/json/);
      expect(JSON.parse(res.body), what).toMatchObject({ status: res.statusCode, code: expect.any(String), message: expect.any(String) });
    } else if (res.statusCode >= 400 && r.route.errors === 'vendor' && ROUTES.some((x) => x.path === r.route.path && x.method === r.method)) {
      // A vendor's own error format: JSON, whatever its shape.
      expect(String(res.headers['content-type']), what).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body), what).not.toThrow();
    } else if (res.statusCode >= 400) {
      expect(String(res.headers['content-type']), what).toMatch(/^application\/problem\+json/);
      let problem: { code?: unknown; status?: unknown; request_id?: unknown };
      try {
        problem = JSON.parse(res.body) as typeof problem;
      } catch {
        throw new Error(`the problem document is not JSON: ${what}`);
      }
      expect(Object.keys(ERROR_CODES), what).toContain(problem.code);
      expect(ERROR_CODES[problem.code as keyof typeof ERROR_CODES].status, what).toBe(res.statusCode);
      expect(problem.status, what).toBe(res.statusCode);
      expect(typeof problem.request_id, what).toBe('string');
    } else if (res.statusCode === 204) {
      expect(res.body, what).toBe('');
    } else if (res.statusCode < 300 && r.route.json && r.method === r.route.method) {
      expect(String(res.headers['content-type']), what).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body), what).not.toThrow();
    }
    return { status: res.statusCode, body: res.body };
  }

  /** Adds what a request created to the id pools, so later requests reach live rows too. */
  function grow(r: FuzzRequest, res: { status: number; body: string }): void {
    if (res.status !== 201 || r.method !== 'POST') return;
    const body = JSON.parse(res.body) as { id?: string; key_id?: string; account?: { id: string } };
    const kind = ({ '/v1/verifications': 'ver', '/v1/services': 'svc', '/v1/templates': 'tpl', '/v1/keys': 'vk', '/v1/accounts': 'acc', '/v1/webhooks': 'whk', '/v1/providers': 'prv' } as const)[
      r.route.path as '/v1/keys'
    ];
    const id = body.account?.id ?? body.id ?? body.key_id;
    if (kind && id && pools.ids[kind].length < 200) pools.ids[kind].push(id);
  }

  it('the route table covers every route the app registers', () => {
    const listed = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(listed).toEqual(registeredRoutes(t.app.printRoutes({ commonPrefix: false })));
  });

  it.each(GROUPS)(
    '%s routes answer every random request below 500, in JSON, with registered problem codes',
    async (group) => {
      await fc.assert(
        fc.asyncProperty(requestArb(group, pools), async (r) => grow(r, await exercise(r))),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    },
    60_000,
  );

  it('still answers /healthz, and the verifications grew only by the 201 answers of POST /v1/verifications', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(await countVerifications()).toBe(baseline + started);
  });
});
