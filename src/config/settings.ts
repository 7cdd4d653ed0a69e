/**
 * Every setting Verity reads, declared once: its environment variable, its key in the optional
 * JSON config file, its default and what it means. The README's configuration table is printed
 * from this list (`npm run verity -- config`), so the two cannot drift apart.
 */
export type SettingKind = 'string' | 'int' | 'bool' | 'list' | 'rule' | 'magic' | 'json';

export interface Setting {
  env: string;
  key: string; // dotted path inside the config file
  kind: SettingKind;
  default: string | undefined; // as it would be written in the environment
  doc: string;
  secret?: boolean;
  /** An older environment variable and config-file key still read for this setting; the new ones win. */
  alias?: { env: string; key: string };
}

export const SETTINGS: readonly Setting[] = [
  { env: 'PORT', key: 'port', kind: 'int', default: '8080', doc: 'TCP port the HTTP server listens on.' },
  { env: 'HOST', key: 'host', kind: 'string', default: '127.0.0.1', doc: 'Address to bind; `0.0.0.0` to accept connections from other hosts.' },
  { env: 'DATABASE_URL', key: 'databaseUrl', kind: 'string', default: 'sqlite:./data/verity.db', doc: '`sqlite:<path>` (embedded, one file; `sqlite::memory:` for a throwaway) or `postgres://…` (scale-out).' },
  { env: 'REDIS_URL', key: 'redisUrl', kind: 'string', default: undefined, doc: 'Optional. When set, rate limits live in Redis and are shared by every instance.' },
  { env: 'LOG_LEVEL', key: 'logLevel', kind: 'string', default: 'info', doc: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
  { env: 'VERITY_CONFIG', key: '-', kind: 'string', default: undefined, doc: 'Path of an optional JSON config file whose keys are the second column; the environment wins over the file.' },
  { env: 'PUBLIC_URL', key: 'publicUrl', kind: 'string', default: undefined, doc: 'Base URL printed at start and used in links; defaults to `http://HOST:PORT`.' },
  { env: 'TRUST_PROXY', key: 'trustProxy', kind: 'bool', default: 'false', doc: 'Take the client IP from `X-Forwarded-For` (only behind a proxy you run).' },
  { env: 'DOCS', key: 'docs', kind: 'bool', default: 'true', doc: 'Serve the API reference at `/docs` (the OpenAPI document at `/openapi.json` is always served).' },
  { env: 'SECRETS_FILE', key: 'secretsFile', kind: 'string', default: undefined, doc: 'Embedded default only: where generated secrets are kept when `PEPPERS`, `ENCRYPTION_KEY` and `TOKEN_SIGNING_KEY` are not set (default `secrets.json` beside the SQLite file, mode 0600). With PostgreSQL the three secrets are required.' },
  { env: 'PEPPERS', key: 'peppers', kind: 'list', default: undefined, doc: 'Comma-separated HMAC keys (≥ 32 characters each) for code hashes. The first signs new codes; all verify, so a new pepper goes first and old ones stay until their codes expire.', secret: true },
  { env: 'ENCRYPTION_KEY', key: 'encryptionKey', kind: 'string', default: undefined, doc: '32 bytes, base64 or hex: AES-256-GCM key for codes that must wait to be sent or re-sent.', secret: true },
  { env: 'TOKEN_SIGNING_KEY', key: 'tokenSigningKey', kind: 'string', default: undefined, doc: 'HS256 key (≥ 32 characters) for OAuth2 access tokens.', secret: true },
  { env: 'TOKEN_TTL_S', key: 'tokenTtlS', kind: 'int', default: '900', doc: 'Lifetime of an access token from `POST /oauth/token`, seconds.' },
  { env: 'KEY_CACHE_TTL_S', key: 'keyCacheTtlS', kind: 'int', default: '60', doc: 'How long a verified API key is trusted without recomputing its scrypt hash (a revoked key stops working on this instance at once, on others within this time).' },
  { env: 'BRAND', key: 'verification.brand', kind: 'string', default: 'Verity', doc: 'Brand named in messages when the service sets none.' },
  { env: 'CODE_LENGTH', key: 'verification.codeLength', kind: 'int', default: '6', doc: 'Digits in a generated code (4–10).' },
  { env: 'CODE_TTL_S', key: 'verification.ttlS', kind: 'int', default: '600', doc: 'Validity of a verification, seconds.' },
  { env: 'MAX_ATTEMPTS', key: 'verification.maxAttempts', kind: 'int', default: '5', doc: 'Checks allowed per verification.' },
  { env: 'MAX_SENDS', key: 'verification.maxSends', kind: 'int', default: '5', doc: 'Sends per verification (the first and the resends).' },
  { env: 'RESEND_COOLDOWN_S', key: 'verification.resendCooldownS', kind: 'int', default: '30', doc: 'Least time between two sends of one verification, seconds.' },
  { env: 'DEFAULT_LOCALE', key: 'verification.locale', kind: 'string', default: 'en', doc: 'Message language when neither the request nor the service names one: `en`, `pt-BR`, `es`, `ru`, `id`.' },
  { env: 'LIMITS_STORE', key: 'limits.store', kind: 'string', default: 'auto', doc: '`auto` (Redis when `REDIS_URL` is set, else the database kind), `memory`, `sqlite`, `postgres` or `redis`.' },
  { env: 'LIMIT_SEND_PER_DESTINATION', key: 'limits.sendPerDestination', kind: 'rule', default: '5/600', doc: 'Sends to one phone number or address: `points/seconds` (`0/…` disables).' },
  { env: 'LIMIT_GUESS_PER_DESTINATION', key: 'limits.guessPerDestination', kind: 'rule', default: '10/3600', doc: 'Wrong codes for one destination across all its verifications and resends, in any window of that many seconds (a sliding window, counted in the main database: it survives a restart and every instance shares it; `0/…` disables).' },
  { env: 'LIMIT_START_PER_IP', key: 'limits.startPerIp', kind: 'rule', default: '100/60', doc: 'Verification starts from one client IP.' },
  { env: 'LIMIT_START_PER_ACCOUNT', key: 'limits.startPerAccount', kind: 'rule', default: '1000/60', doc: 'Verification starts by one account.' },
  { env: 'IDEMPOTENCY_TTL_S', key: 'idempotencyTtlS', kind: 'int', default: '86400', doc: 'How long an `Idempotency-Key` replays its first response, seconds.' },
  { env: 'MAGIC_NUMBERS', key: 'sandbox.magic', kind: 'magic', default: '+15005550006:123456:delivered,+15005550001:123456:undeliverable,delivered@example.com:123456:delivered,undeliverable@example.com:123456:undeliverable', doc: 'Sandbox test destinations `to:code:outcome` (outcome `delivered` or `undeliverable`): fixed code, forced outcome, no send limits.' },
  { env: 'PROVIDERS', key: 'providers', kind: 'json', default: undefined, doc: 'JSON list of delivery providers, `{"name", "type", …options}` with type `smtp`, `smpp`, `http`, `twilio`, `vonage`, `whatsapp`, `twilio-voice` or `vonage-voice` (options per type: see Delivery). None: every channel goes to the sandbox.', secret: true },
  { env: 'ROUTES', key: 'routes', kind: 'json', default: undefined, doc: 'JSON list of routing rules `{"channel", "prefix"?, "provider", "priority"?, "weight"?}`: the longest matching calling-code prefix first, then lower priority, then weighted at random. None: each channel goes to the providers that declare it, in `PROVIDERS` order.' },
  { env: 'PROVIDERS_ALLOW_PRIVATE', key: 'outbound.providersAllowPrivate', kind: 'bool', default: 'true', doc: 'Let the operator’s own `PROVIDERS` and `SILENT_ROUTES` upstreams connect to loopback, private or link-local addresses (an SMSC or SMTP relay on a private network). Checked when connecting, by the same guard as `OUTBOUND_ALLOW_PRIVATE`, which covers what accounts configure.' },
  { env: 'DELIVERY_WORKER', key: 'delivery.worker', kind: 'bool', default: 'true', doc: 'Run the outbox worker inside the server. `false` when workers run alone (`npm run verity -- worker`).' },
  { env: 'DELIVERY_POLL_MS', key: 'delivery.pollMs', kind: 'int', default: '1000', doc: 'How often an idle worker looks for due messages (a new message on the same instance wakes it at once).' },
  { env: 'DELIVERY_CONCURRENCY', key: 'delivery.concurrency', kind: 'int', default: '16', doc: 'Messages one worker hands to providers at the same time.' },
  { env: 'DELIVERY_MAX_ATTEMPTS', key: 'delivery.maxAttempts', kind: 'int', default: '8', doc: 'Hand-overs of one message (each may try every provider of its route) before it fails.' },
  { env: 'DELIVERY_BACKOFF_MS', key: 'delivery.backoffMs', kind: 'int', default: '1000', doc: 'Wait before the first retry of a retryable failure; doubles per attempt, with full jitter.' },
  { env: 'DELIVERY_BACKOFF_MAX_MS', key: 'delivery.backoffMaxMs', kind: 'int', default: '300000', doc: 'Longest wait between two attempts of one message.' },
  { env: 'DELIVERY_LEASE_MS', key: 'delivery.leaseMs', kind: 'int', default: '60000', doc: 'How long a claimed message belongs to its worker; a message whose worker died is claimed again after it.' },
  { env: 'BREAKER_THRESHOLD', key: 'delivery.breakerThreshold', kind: 'int', default: '5', doc: 'Consecutive retryable failures that open a provider’s circuit breaker (its traffic moves to the next provider of the route).' },
  { env: 'BREAKER_HALF_OPEN_MS', key: 'delivery.breakerHalfOpenMs', kind: 'int', default: '10000', doc: 'How long an open breaker waits before it lets one trial send through.' },
  {
    env: 'OUTBOUND_ALLOW_PRIVATE',
    key: 'outbound.allowPrivate',
    kind: 'bool',
    default: 'false',
    alias: { env: 'WEBHOOK_ALLOW_PRIVATE', key: 'webhooks.allowPrivate' },
    doc: 'Let addresses an account chooses reach loopback, private, link-local or otherwise non-public addresses: webhook URLs, its own providers (`POST /v1/providers`: HTTP URLs and `baseUrl`, SMTP and SMPP hosts) and vendor callbacks (SMSC `callback_url`, Zadarma `notify_url`). Off: such addresses are refused when saved and when connecting, whatever their notation or wherever their name resolves (against SSRF). `WEBHOOK_ALLOW_PRIVATE` (`webhooks.allowPrivate`) is read as an older name. The server’s own `PROVIDERS` and `SILENT_ROUTES` follow `PROVIDERS_ALLOW_PRIVATE` instead.',
  },
  { env: 'WEBHOOK_TIMEOUT_MS', key: 'webhooks.timeoutMs', kind: 'int', default: '10000', doc: 'How long a webhook endpoint has to answer.' },
  { env: 'WEBHOOK_MAX_ATTEMPTS', key: 'webhooks.maxAttempts', kind: 'int', default: '12', doc: 'Attempts per webhook delivery before it is marked failed (it can still be replayed).' },
  { env: 'WEBHOOK_BACKOFF_MS', key: 'webhooks.backoffMs', kind: 'int', default: '5000', doc: 'Wait before the first webhook retry; doubles per attempt, with jitter.' },
  { env: 'WEBHOOK_BACKOFF_MAX_MS', key: 'webhooks.backoffMaxMs', kind: 'int', default: '3600000', doc: 'Longest wait between two attempts of one webhook delivery.' },
  { env: 'SILENT_TOLERANCE_S', key: 'operator.toleranceS', kind: 'int', default: '30', doc: 'Silent verification: how far either side of the given time a session or CGNAT block may start or end and still count.' },
  { env: 'OPERATOR_RETENTION_DAYS', key: 'operator.retentionDays', kind: 'int', default: '30', doc: 'Ended data sessions and CGNAT blocks older than this are deleted.' },
  { env: 'RADIUS_PORT', key: 'radius.port', kind: 'int', default: undefined, doc: 'UDP port of the RADIUS accounting listener (RFC 2866; usually 1813). Unset: no listener.' },
  { env: 'RADIUS_HOST', key: 'radius.host', kind: 'string', default: '127.0.0.1', doc: 'Address the RADIUS listener binds; `0.0.0.0` to hear NASes on other hosts.' },
  { env: 'RADIUS_SECRET', key: 'radius.secret', kind: 'string', default: undefined, doc: 'RADIUS shared secret; required with `RADIUS_PORT`. Packets with a wrong Request Authenticator are dropped.', secret: true },
  { env: 'RADIUS_ACCOUNT', key: 'radius.account', kind: 'string', default: undefined, doc: 'The account (operator) whose sessions the RADIUS feed records; default the first account.' },
  { env: 'INBOUND_NUMBERS', key: 'inboundNumbers', kind: 'json', default: undefined, doc: 'JSON list of the server’s call numbers `{"number", "purpose", "country"?}`: purpose `reverse_call` (a number users call, served by a voice provider that reports inbound calls) or `flash_call` (the caller id of a missed call: a full number whose last 4 digits are the code, or digits ending in 4–6 `X` that the code fills, e.g. `+4420794600XXXX`); country an ISO 3166 alpha-2 code or `*` (default: the number’s own country, `*` for a pattern). An account’s own numbers (`POST /v1/numbers`) replace these for that purpose.' },
  { env: 'CALL_RING_S', key: 'calls.ringS', kind: 'int', default: '45', doc: 'How long a voice or IVR call rings before it counts as unanswered (the workflow then moves on).' },
  { env: 'FLASH_CALL_RING_S', key: 'calls.flashRingS', kind: 'int', default: '8', doc: 'How long a flash call rings before it is dropped.' },
  { env: 'IVR_GATHER_S', key: 'calls.gatherS', kind: 'int', default: '8', doc: 'How long the IVR waits for a key after its greeting.' },
  { env: 'SOUND_MAX_BYTES', key: 'calls.soundMaxBytes', kind: 'int', default: '1048576', doc: 'Largest sound file an account may upload (wav or mp3).' },
  { env: 'SOUNDS_PER_ACCOUNT', key: 'calls.soundsPerAccount', kind: 'int', default: '50', doc: 'Sounds one account may keep.' },
  { env: 'SILENT_ROUTES', key: 'silentRoutes', kind: 'json', default: undefined, doc: 'JSON list of upstreams for the `silent` channel, `{"name", "prefix"?, "type", …options}` with type `local` (this server’s operator data; `operator` limits it to one account), `claro-smv` or `camara` (options: see Silent verification). The longest matching calling-code prefix wins; none: the local engine, which also knows each account’s virtual phones.', secret: true },
  { env: 'COMPAT_VENDORS', key: 'compat.vendors', kind: 'list', default: 'claro,zadarma,smsc,messagecentral', doc: 'Vendor APIs served for clients moving over (`claro`, `zadarma`, `smsc`, `messagecentral`); empty for none. Each answers at the vendor’s own paths with credentials from `POST /v1/compat/credentials`.' },
  { env: 'COMPAT_CLARO_CUSTOMER_IDS', key: 'compat.claro.customerIds', kind: 'list', default: 'claro', doc: 'Claro SMV: `X-CustomerID` values accepted; any other answers 403.' },
  { env: 'COMPAT_CLARO_TOLERANCE_S', key: 'compat.claro.toleranceS', kind: 'int', default: '300', doc: 'Claro SMV: how far either side of the request’s timestamp a data session may start or end (Claro’s Java sample sends a float timestamp, good to about 128 s).' },
  { env: 'COMPAT_CLARO_TOKEN_TTL_S', key: 'compat.claro.tokenTtlS', kind: 'int', default: '3599', doc: 'Claro SMV: lifetime of an access token from `/oauth2/v1/token`, seconds.' },
  { env: 'COMPAT_SMSC', key: 'compat.smsc', kind: 'json', default: undefined, doc: 'SMSC `wait_call` settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"duplicateLimit": 50, "phoneFormat": "digits"}`).' },
  { env: 'COMPAT_ZADARMA', key: 'compat.zadarma', kind: 'json', default: undefined, doc: 'Zadarma settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"rateLimitPerMin": 100, "notifyEvent": "NOTIFY_END"}`).' },
  { env: 'COMPAT_MESSAGECENTRAL', key: 'compat.messagecentral', kind: 'json', default: undefined, doc: 'Message Central VerifyNow settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"errorHttpStatus": 400}`).' },
  { env: 'SANDBOX_BILLABLE', key: 'sandbox.billable', kind: 'bool', default: 'false', doc: 'Charge sandbox sends at the account’s prices, to rehearse billing before going live.' },
];
