import { Type, type Static } from 'typebox';

/** The defaults live here once: the schema advertises them and `resolveOptions` applies them. */
export const DEFAULTS = {
  port: 587,
  securePort: 465,
  secure: false,
  requireTls: false,
  pool: true,
  maxConnections: 2,
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  // A code is worth little a minute late; past this a silent server is treated as down.
  socketTimeoutMs: 60_000,
  tlsRejectUnauthorized: true,
} as const;

const timeout = (what: string, ms: number) => Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, default: ms, description: `${what}, in milliseconds. Default ${ms}.` }));

export const SmtpOptionsSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, description: 'SMTP server host name or IP address. Required.' }),
    // No `default` keyword: a validator filling in 587 would hide that secure wants 465.
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: `SMTP server port. Default ${DEFAULTS.port} (submission), or ${DEFAULTS.securePort} when secure is set.` })),
    secure: Type.Optional(Type.Boolean({ default: DEFAULTS.secure, description: 'Implicit TLS from the first byte (port 465). Default false: plain connection upgraded with STARTTLS when offered.' })),
    requireTls: Type.Optional(Type.Boolean({ default: DEFAULTS.requireTls, description: 'Refuse to send unless the server upgrades with STARTTLS. Default false.' })),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Login user name. Default none: no AUTH. Set together with password.' })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Login password (secret). Default none. Set together with user.' })),
    from: Type.String({
      minLength: 3,
      maxLength: 320,
      description: 'Default From address, e.g. `"Verity" <no-reply@example.com>`; used unless the message asks for a valid sender address. Required.',
    }),
    pool: Type.Optional(Type.Boolean({ default: DEFAULTS.pool, description: 'Keep connections open and reuse them. Default true.' })),
    maxConnections: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.maxConnections, description: `Most connections the pool opens at once. Default ${DEFAULTS.maxConnections}.` }),
    ),
    connectionTimeoutMs: timeout('How long to wait for the TCP connection', DEFAULTS.connectionTimeoutMs),
    greetingTimeoutMs: timeout('How long to wait for the server greeting once connected', DEFAULTS.greetingTimeoutMs),
    socketTimeoutMs: timeout('How long a connection may stay silent before it is dropped', DEFAULTS.socketTimeoutMs),
    tlsRejectUnauthorized: Type.Optional(
      Type.Boolean({ default: DEFAULTS.tlsRejectUnauthorized, description: 'Reject a server certificate that does not verify. Default true; false only for a test server.' }),
    ),
  },
  { additionalProperties: false },
);

export type SmtpOptions = Static<typeof SmtpOptionsSchema>;

export interface ResolvedSmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  user: string | undefined;
  password: string | undefined;
  from: string;
  pool: boolean;
  maxConnections: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  tlsRejectUnauthorized: boolean;
}

export function resolveOptions(options: SmtpOptions): ResolvedSmtpOptions {
  if ((options.user === undefined) !== (options.password === undefined)) {
    throw new Error('smtp: user and password must be set together');
  }
  const secure = options.secure ?? DEFAULTS.secure;
  return {
    host: options.host,
    port: options.port ?? (secure ? DEFAULTS.securePort : DEFAULTS.port),
    secure,
    user: options.user,
    password: options.password,
    from: options.from,
    requireTls: options.requireTls ?? DEFAULTS.requireTls,
    pool: options.pool ?? DEFAULTS.pool,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    connectionTimeoutMs: options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    greetingTimeoutMs: options.greetingTimeoutMs ?? DEFAULTS.greetingTimeoutMs,
    socketTimeoutMs: options.socketTimeoutMs ?? DEFAULTS.socketTimeoutMs,
    tlsRejectUnauthorized: options.tlsRejectUnauthorized ?? DEFAULTS.tlsRejectUnauthorized,
  };
}
