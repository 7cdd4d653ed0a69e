import { Type, type Static } from 'typebox';
import { decodeKey } from './keys.js';
import { defineSettings, setting, type ModuleConfig } from './setting.js';

/** A routing rule of ROUTES; the delivery router picks providers by these. */
export const RouteRuleSchema = Type.Object({
  channel: Type.String(),
  /** Calling-code prefix of the destination (`55`, `5511`); empty or absent: every destination. */
  prefix: Type.String({ pattern: '^\\+?\\d{0,15}$', default: '', 'x-message': 'must be calling-code digits' }),
  provider: Type.String({ minLength: 1, 'x-message': 'must name a provider of PROVIDERS (or sandbox)' }),
  priority: Type.Integer({ default: 1 }),
  weight: Type.Integer({ minimum: 1, default: 1 }),
});

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const STORES = ['auto', 'memory', 'sqlite', 'postgres', 'redis'] as const;

/** A provider entry as written; each is checked against its type's own schema when providers are built. */
const ProviderEntrySchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', 'x-message': 'must be lower-case letters, digits, - and _' }),
  type: Type.String(),
});

/** An upstream of the silent channel as written; each is checked against its type's schema when built. */
const EntryListSchema = Type.Array(Type.Record(Type.String(), Type.Unknown()));

/**
 * Every setting of Verity's core, declared once: its environment variable, its config-file key
 * (the dotted key here), its default, its bounds and what it means. Features add their own
 * modules (compat vendors, checks that need a feature's knowledge); the documentation table is
 * printed from all of them (`npm run verity -- config`), so it cannot drift.
 */
export const CORE_SETTINGS = defineSettings({
  name: 'core',
  settings: {
    port: setting.int({ env: 'PORT', description: 'TCP port the HTTP server listens on.', minimum: 0, maximum: 65535 }, 8080),
    host: setting.string({ env: 'HOST', description: 'Address to bind; `0.0.0.0` to accept connections from other hosts.' }, '127.0.0.1'),
    databaseUrl: setting.string(
      {
        env: 'DATABASE_URL',
        pattern: '^(sqlite:|postgres(ql)?://)',
        message: 'must start with sqlite: or postgres://',
        description: '`sqlite:<path>` (embedded, one file; `sqlite::memory:` for a throwaway) or `postgres://…` (scale-out).',
      },
      'sqlite:./data/verity.db',
    ),
    redisUrl: setting.string({ env: 'REDIS_URL', description: 'Optional. When set, rate limits live in Redis and are shared by every instance.' }),
    logLevel: setting.oneOf({ env: 'LOG_LEVEL', description: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' }, LEVELS, 'info'),
    configFile: setting.string({ env: 'VERITY_CONFIG', envOnly: true, description: 'Path of an optional JSON config file whose keys are the second column; the environment wins over the file.' }),
    publicUrl: setting.string({ env: 'PUBLIC_URL', description: 'Base URL printed at start and used in links; defaults to `http://HOST:PORT`.' }),
    trustProxy: setting.bool({ env: 'TRUST_PROXY', description: 'Take the client IP from `X-Forwarded-For` (only behind a proxy you run).' }, false),
    docs: setting.bool({ env: 'DOCS', description: 'Serve the API reference at `/docs` (the OpenAPI document at `/openapi.json` is always served).' }, true),
    secretsFile: setting.string({
      env: 'SECRETS_FILE',
      description:
        'Embedded default only: where generated secrets are kept when `PEPPERS`, `ENCRYPTION_KEY` and `TOKEN_SIGNING_KEY` are not set (default `secrets.json` beside the SQLite file, mode 0600). With PostgreSQL the three secrets are required.',
    }),
    peppers: setting.list({
      env: 'PEPPERS',
      item: { minLength: 32 },
      minItems: 1,
      message: 'must list one or more keys of at least 32 characters each',
      description: 'Comma-separated HMAC keys (≥ 32 characters each) for code hashes. The first signs new codes; all verify, so a new pepper goes first and old ones stay until their codes expire.',
      secret: true,
    }),
    encryptionKey: setting.string({ env: 'ENCRYPTION_KEY', description: '32 bytes, base64 or hex: AES-256-GCM key for codes that must wait to be sent or re-sent.', secret: true }),
    tokenSigningKey: setting.string({
      env: 'TOKEN_SIGNING_KEY',
      minLength: 32,
      description:
        'HS256 key (≥ 32 characters) for OAuth2 access tokens, and the root from which the keys of Claro SMV and Message Central tokens, signed sound URLs, destination pseudonyms and shared fraud counts are derived: changing it ends those tokens and URLs and the search by `to` of pseudonymised verifications.',
      secret: true,
    }),
    tokenTtlS: setting.int({ env: 'TOKEN_TTL_S', description: 'Lifetime of an access token from `POST /oauth/token`, seconds.', minimum: 30 }, 900),
    keyCacheTtlS: setting.int(
      {
        env: 'KEY_CACHE_TTL_S',
        description: 'How long a verified API key is trusted without recomputing its scrypt hash (a revoked key stops working on this instance at once, on others within this time).',
        minimum: 0,
      },
      60,
    ),
    'verification.brand': setting.string({ env: 'BRAND', description: 'Brand named in messages when the service sets none.' }, 'Verity'),
    'verification.codeLength': setting.int({ env: 'CODE_LENGTH', description: 'Digits in a generated code (4–10).', minimum: 4, maximum: 10 }, 6),
    'verification.ttlS': setting.int({ env: 'CODE_TTL_S', description: 'Validity of a verification, seconds.', minimum: 30, maximum: 86_400 }, 600),
    'verification.maxAttempts': setting.int({ env: 'MAX_ATTEMPTS', description: 'Checks allowed per verification.', minimum: 1, maximum: 100 }, 5),
    'verification.maxSends': setting.int({ env: 'MAX_SENDS', description: 'Sends per verification (the first and the resends).', minimum: 1, maximum: 100 }, 5),
    'verification.resendCooldownS': setting.int({ env: 'RESEND_COOLDOWN_S', description: 'Least time between two sends of one verification, seconds.', minimum: 0 }, 30),
    'verification.locale': setting.string({ env: 'DEFAULT_LOCALE', description: 'Message language when neither the request nor the service names one: `en`, `pt-BR`, `es`, `ru`, `id`.' }, 'en'),
    'limits.store': setting.oneOf({ env: 'LIMITS_STORE', description: '`auto` (Redis when `REDIS_URL` is set, else the database kind), `memory`, `sqlite`, `postgres` or `redis`.' }, STORES, 'auto'),
    'limits.sendPerDestination': setting.rule(
      { env: 'LIMIT_SEND_PER_DESTINATION', description: 'Sends to one phone number or address: `points/seconds` (`0/…` disables; `5/600 sliding` for a sliding window).' },
      { points: 5, durationSec: 600 },
    ),
    'limits.guessPerDestination': setting.rule(
      {
        env: 'LIMIT_GUESS_PER_DESTINATION',
        description:
          'Wrong codes for one destination across all its verifications and resends, in any window of that many seconds (a sliding window, counted in the main database: it survives a restart and every instance shares it; `0/…` disables).',
      },
      { points: 10, durationSec: 3600 },
    ),
    'limits.startPerIp': setting.rule({ env: 'LIMIT_START_PER_IP', description: 'Verification starts from one client IP (`100/60 sliding` for a sliding window).' }, { points: 100, durationSec: 60 }),
    'limits.startPerAccount': setting.rule(
      {
        env: 'LIMIT_START_PER_ACCOUNT',
        description:
          'Verification starts by one account over any span of that many seconds: a sliding window, estimated from this window’s count and the previous one’s, so a budget neither doubles across a window boundary nor refuses everyone until the window ends (`1000/60 fixed`: windows that reset all at once).',
      },
      { points: 1000, durationSec: 60, window: 'sliding' },
    ),
    idempotencyTtlS: setting.int({ env: 'IDEMPOTENCY_TTL_S', description: 'How long an `Idempotency-Key` replays its first response, seconds.' }, 86_400),
    'sandbox.magic': setting.magic(
      {
        env: 'MAGIC_NUMBERS',
        description:
          'Sandbox test destinations `to:code:outcome` (outcome `delivered` or `undeliverable`): fixed code, forced outcome, no send limits. Set it empty to keep none, as a server that verifies real people should.',
      },
      [
        { to: '+15005550006', code: '123456', outcome: 'delivered' },
        { to: '+15005550001', code: '123456', outcome: 'undeliverable' },
        { to: 'delivered@example.com', code: '123456', outcome: 'delivered' },
        { to: 'undeliverable@example.com', code: '123456', outcome: 'undeliverable' },
      ],
    ),
    providers: setting.json(
      {
        env: 'PROVIDERS',
        description:
          'JSON list of delivery providers, `{"name", "type", …options}` with type `smtp`, `smpp`, `http`, `twilio`, `vonage`, `whatsapp`, `twilio-voice` or `vonage-voice` (options per type: see Delivery). None: every channel goes to the sandbox.',
        secret: true,
      },
      Type.Array(ProviderEntrySchema),
    ),
    routes: setting.json(
      {
        env: 'ROUTES',
        description:
          'JSON list of routing rules `{"channel", "prefix"?, "provider", "priority"?, "weight"?}`: the longest matching calling-code prefix first, then lower priority, then weighted at random. None: each channel goes to the providers that declare it, in `PROVIDERS` order.',
      },
      Type.Array(RouteRuleSchema),
      { convert: true },
    ),
    'outbound.providersAllowPrivate': setting.bool(
      {
        env: 'PROVIDERS_ALLOW_PRIVATE',
        description:
          'Let the operator’s own `PROVIDERS` and `SILENT_ROUTES` upstreams connect to loopback, private or link-local addresses (an SMSC or SMTP relay on a private network). Checked when connecting, by the same guard as `OUTBOUND_ALLOW_PRIVATE`, which covers what accounts configure.',
      },
      true,
    ),
    'delivery.worker': setting.bool({ env: 'DELIVERY_WORKER', description: 'Run the outbox worker inside the server. `false` when workers run alone (`npm run verity -- worker`).' }, true),
    'delivery.pollMs': setting.int(
      { env: 'DELIVERY_POLL_MS', description: 'How often an idle worker looks for due messages (a new message on the same instance wakes it at once).', minimum: 10 },
      1000,
    ),
    'delivery.concurrency': setting.int({ env: 'DELIVERY_CONCURRENCY', description: 'Messages one worker hands to providers at the same time.', minimum: 1 }, 16),
    'delivery.maxAttempts': setting.int({ env: 'DELIVERY_MAX_ATTEMPTS', description: 'Hand-overs of one message (each may try every provider of its route) before it fails.', minimum: 1 }, 8),
    'delivery.backoffMs': setting.int({ env: 'DELIVERY_BACKOFF_MS', description: 'Wait before the first retry of a retryable failure; doubles per attempt, with full jitter.', minimum: 1 }, 1000),
    'delivery.backoffMaxMs': setting.int({ env: 'DELIVERY_BACKOFF_MAX_MS', description: 'Longest wait between two attempts of one message.' }, 300_000),
    'delivery.leaseMs': setting.int(
      { env: 'DELIVERY_LEASE_MS', description: 'How long a claimed message belongs to its worker; a message whose worker died is claimed again after it.', minimum: 1000 },
      60_000,
    ),
    'delivery.breakerThreshold': setting.int(
      { env: 'BREAKER_THRESHOLD', description: 'Consecutive retryable failures that open a provider’s circuit breaker (its traffic moves to the next provider of the route).', minimum: 1 },
      5,
    ),
    'delivery.breakerHalfOpenMs': setting.int({ env: 'BREAKER_HALF_OPEN_MS', description: 'How long an open breaker waits before it lets one trial send through.', minimum: 1 }, 10_000),
    'outbound.allowPrivate': setting.bool(
      {
        env: 'OUTBOUND_ALLOW_PRIVATE',
        description:
          'Let addresses an account chooses reach loopback, private, link-local or otherwise non-public addresses: webhook URLs, its own providers (`POST /v1/providers`: HTTP URLs and `baseUrl`, SMTP and SMPP hosts) and vendor callbacks (SMSC `callback_url`, Zadarma `notify_url`). Off: such addresses are refused when saved and when connecting, whatever their notation or wherever their name resolves (against SSRF). `WEBHOOK_ALLOW_PRIVATE` (`webhooks.allowPrivate`) is read as an older name. The server’s own `PROVIDERS` and `SILENT_ROUTES` follow `PROVIDERS_ALLOW_PRIVATE` instead.',
        alias: { env: 'WEBHOOK_ALLOW_PRIVATE', key: 'webhooks.allowPrivate' },
      },
      false,
    ),
    'webhooks.timeoutMs': setting.int({ env: 'WEBHOOK_TIMEOUT_MS', description: 'How long a webhook endpoint has to answer.', minimum: 100 }, 10_000),
    'webhooks.maxAttempts': setting.int({ env: 'WEBHOOK_MAX_ATTEMPTS', description: 'Attempts per webhook delivery before it is marked failed (it can still be replayed).', minimum: 1 }, 12),
    'webhooks.backoffMs': setting.int({ env: 'WEBHOOK_BACKOFF_MS', description: 'Wait before the first webhook retry; doubles per attempt, with jitter.', minimum: 1 }, 5000),
    'webhooks.backoffMaxMs': setting.int({ env: 'WEBHOOK_BACKOFF_MAX_MS', description: 'Longest wait between two attempts of one webhook delivery.' }, 3_600_000),
    'operator.toleranceS': setting.int(
      { env: 'SILENT_TOLERANCE_S', description: 'Silent verification: how far either side of the given time a session or CGNAT block may start or end and still count.', minimum: 0, maximum: 86_400 },
      30,
    ),
    'retention.days': setting.int(
      { env: 'RETENTION_DAYS', description: 'Verifications older than this are deleted, with their timeline, messages and calls (by the sweeper, in batches).', minimum: 1 },
      90,
    ),
    'retention.piiDays': setting.int(
      {
        env: 'PII_RETENTION_DAYS',
        description: 'After this, a verification keeps its destination only as a keyed hash, its country and its last two digits (its messages and calls too); search by `to` still finds it.',
        minimum: 1,
      },
      30,
    ),
    'operator.retentionDays': setting.int({ env: 'OPERATOR_RETENTION_DAYS', description: 'Ended data sessions and CGNAT blocks older than this are deleted.', minimum: 1 }, 30),
    'radius.port': setting.int({ env: 'RADIUS_PORT', description: 'UDP port of the RADIUS accounting listener (RFC 2866; usually 1813). Unset: no listener.', minimum: 0, maximum: 65535 }),
    'radius.host': setting.string({ env: 'RADIUS_HOST', description: 'Address the RADIUS listener binds; `0.0.0.0` to hear NASes on other hosts.' }, '127.0.0.1'),
    'radius.secret': setting.string({ env: 'RADIUS_SECRET', description: 'RADIUS shared secret; required with `RADIUS_PORT`. Packets with a wrong Request Authenticator are dropped.', secret: true }),
    'radius.account': setting.string({ env: 'RADIUS_ACCOUNT', description: 'The account (operator) whose sessions the RADIUS feed records; default the first account.' }),
    inboundNumbers: setting.json(
      {
        env: 'INBOUND_NUMBERS',
        description:
          'JSON list of the server’s call numbers `{"number", "purpose", "country"?}`: purpose `reverse_call` (a number users call, served by a voice provider that reports inbound calls) or `flash_call` (the caller id of a missed call: a full number whose last 4 digits are the code, or digits ending in 4–6 `X` that the code fills, e.g. `+4420794600XXXX`); country an ISO 3166 alpha-2 code or `*` (default: the number’s own country, `*` for a pattern). An account’s own numbers (`POST /v1/numbers`) replace these for that purpose.',
      },
      Type.Array(Type.Unknown()),
    ),
    'calls.ringS': setting.int({ env: 'CALL_RING_S', description: 'How long a voice or IVR call rings before it counts as unanswered (the workflow then moves on).', minimum: 5, maximum: 120 }, 45),
    'calls.flashRingS': setting.int({ env: 'FLASH_CALL_RING_S', description: 'How long a flash call rings before it is dropped.', minimum: 1, maximum: 30 }, 8),
    'calls.gatherS': setting.int({ env: 'IVR_GATHER_S', description: 'How long the IVR waits for a key after its greeting.', minimum: 3, maximum: 10 }, 8),
    'calls.soundMaxBytes': setting.int({ env: 'SOUND_MAX_BYTES', description: 'Largest sound file an account may upload (wav or mp3).', minimum: 1024, maximum: 10 * 1024 * 1024 }, 1_048_576),
    'calls.soundsPerAccount': setting.int({ env: 'SOUNDS_PER_ACCOUNT', description: 'Sounds one account may keep.', minimum: 0 }, 50),
    silentRoutes: setting.json(
      {
        env: 'SILENT_ROUTES',
        description:
          'JSON list of upstreams for the `silent` channel, `{"name", "prefix"?, "type", …options}` with type `local` (this server’s operator data; `operator` limits it to one account), `claro-smv` or `camara` (options: see Silent verification). The longest matching calling-code prefix wins; none: the local engine, which also knows each account’s virtual phones.',
        secret: true,
      },
      EntryListSchema,
    ),
    'sandbox.billable': setting.bool({ env: 'SANDBOX_BILLABLE', description: 'Charge sandbox sends at the account’s prices, to rehearse billing before going live.' }, false),
  },
  check: (c) => {
    const problems: string[] = [];
    if (c.limits.store === 'redis' && !c.redisUrl) problems.push('LIMITS_STORE=redis needs REDIS_URL');
    // Wrong codes are counted in the main database, always over an exact sliding window.
    if (c.limits.guessPerDestination.window === 'fixed') problems.push('LIMIT_GUESS_PER_DESTINATION is always a sliding window; drop "fixed"');
    if (c.delivery.backoffMaxMs < c.delivery.backoffMs) problems.push('DELIVERY_BACKOFF_MAX_MS must be at least DELIVERY_BACKOFF_MS');
    if (c.webhooks.backoffMaxMs < c.webhooks.backoffMs) problems.push('WEBHOOK_BACKOFF_MAX_MS must be at least WEBHOOK_BACKOFF_MS');
    if (c.radius.port !== undefined && !c.radius.secret) problems.push('RADIUS_PORT needs RADIUS_SECRET');
    if (c.encryptionKey !== undefined && decodeKey(c.encryptionKey) === undefined) problems.push('ENCRYPTION_KEY must be 32 bytes written as 64 hex digits or base64');
    const names = new Set<string>(['sandbox']);
    (Array.isArray(c.providers) ? c.providers : []).forEach((p, i) => {
      if (typeof p?.name !== 'string') return;
      if (names.has(p.name)) problems.push(`PROVIDERS[${i}]: the name "${p.name}" is taken (twice, or the built-in sandbox)`);
      names.add(p.name);
    });
    return problems;
  },
});

export type CoreConfig = ModuleConfig<typeof CORE_SETTINGS.settings>;
export type RouteRule = Static<typeof RouteRuleSchema>;
