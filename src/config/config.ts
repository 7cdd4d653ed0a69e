import { readFileSync } from 'node:fs';
import { SETTINGS, type Setting } from './settings.js';
import type { LimitRule } from '../limits/limiter.js';
import { isPostgresUrl } from '../db/database-url.js';
import { parseEntries, type PoolEntry } from '../numbers/pool-entry.js';
import { DELIVERED_CHANNELS } from '../verifications/recipient.js';
import { DEFAULT_SMSC_SETTINGS } from '../compat/smsc/settings.js';
import { DEFAULT_ZADARMA_SETTINGS } from '../compat/zadarma/settings.js';
import { DEFAULT_MESSAGECENTRAL_SETTINGS, messageCentralSettingsProblems } from '../compat/messagecentral/settings.js';

export type MagicOutcome = 'delivered' | 'undeliverable';
export interface MagicDestination { to: string; code: string; outcome: MagicOutcome }

export interface VerificationDefaults {
  brand: string;
  codeLength: number;
  ttlS: number;
  maxAttempts: number;
  maxSends: number;
  resendCooldownS: number;
  locale: string;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  logLevel: string;
  publicUrl: string | undefined;
  trustProxy: boolean;
  docs: boolean;
  secretsFile: string | undefined;
  peppers: string[] | undefined;
  encryptionKey: string | undefined;
  tokenSigningKey: string | undefined;
  tokenTtlS: number;
  keyCacheTtlS: number;
  verification: VerificationDefaults;
  limits: {
    store: 'auto' | 'memory' | 'sqlite' | 'postgres' | 'redis';
    sendPerDestination: LimitRule;
    guessPerDestination: LimitRule;
    startPerIp: LimitRule;
    startPerAccount: LimitRule;
  };
  idempotencyTtlS: number;
  sandbox: { magic: MagicDestination[]; billable: boolean };
  /** Provider entries as written; each is checked against its type's schema when providers are built. */
  providers: Array<Record<string, unknown>> | undefined;
  routes: RouteRule[] | undefined;
  delivery: DeliverySettings;
  operator: { toleranceS: number; retentionDays: number };
  /** The server's reverse-call and flash-call numbers (INBOUND_NUMBERS), checked at boot. */
  inboundNumbers: PoolEntry[];
  calls: { ringS: number; flashRingS: number; gatherS: number; soundMaxBytes: number; soundsPerAccount: number };
  /** Silent-channel upstreams as written; each is checked against its type's schema when built. */
  silentRoutes: Array<Record<string, unknown>> | undefined;
  compat: {
    vendors: string[];
    claro: { customerIds: string[]; toleranceS: number; tokenTtlS: number };
    /** Overrides of a vendor's own settings, checked against its defaults' keys and types. */
    smsc: Record<string, unknown>;
    zadarma: Record<string, unknown>;
    messagecentral: Record<string, unknown>;
  };
  radius: { port: number | undefined; host: string; secret: string | undefined; account: string | undefined };
  webhooks: { timeoutMs: number; maxAttempts: number; backoffMs: number; backoffMaxMs: number };
  /**
   * The outbound address guard's switches: `allowPrivate` for every address an account chooses
   * (webhooks, its providers, vendor callbacks), `providersAllowPrivate` for the operator's own
   * PROVIDERS and SILENT_ROUTES.
   */
  outbound: { allowPrivate: boolean; providersAllowPrivate: boolean };
}

export interface RouteRule {
  channel: string;
  /** Calling-code prefix of the destination (`55`, `5511`); empty or absent: every destination. */
  prefix: string;
  provider: string;
  priority: number;
  weight: number;
}

export interface DeliverySettings {
  worker: boolean;
  pollMs: number;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  leaseMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const STORES = ['auto', 'memory', 'sqlite', 'postgres', 'redis'];

function parseValue(s: Setting, raw: unknown, problems: string[]): unknown {
  const where = `${s.env}${s.key === '-' ? '' : ` (${s.key})`}`;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (s.kind) {
    case 'string':
      if (typeof text !== 'string') return void problems.push(`${where} must be a string`);
      return text;
    case 'int': {
      const n = typeof text === 'number' ? text : /^-?\d+$/.test(String(text)) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) return void problems.push(`${where} must be an integer, got "${String(raw)}"`);
      return n;
    }
    case 'bool': {
      if (typeof text === 'boolean') return text;
      const t = String(text).toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      return void problems.push(`${where} must be true or false, got "${String(raw)}"`);
    }
    case 'list': {
      const items = Array.isArray(text) ? text.map(String) : String(text).split(',');
      return items.map((x) => x.trim()).filter((x) => x.length > 0);
    }
    case 'rule': {
      if (typeof text === 'object' && text !== null && 'points' in text) {
        const r = text as { points: unknown; durationSec?: unknown; duration_s?: unknown };
        return checkRule(where, Number(r.points), Number(r.durationSec ?? r.duration_s), problems);
      }
      const m = /^(\d+)\s*\/\s*(\d+)$/.exec(String(text));
      if (!m) return void problems.push(`${where} must look like points/seconds (e.g. 5/600), got "${String(raw)}"`);
      return checkRule(where, Number(m[1]), Number(m[2]), problems);
    }
    case 'magic':
      return parseMagic(where, text, problems);
    case 'json':
      if (typeof text !== 'string') return text;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return void problems.push(`${where} must be JSON`);
      }
  }
}

function checkRule(where: string, points: number, durationSec: number, problems: string[]): LimitRule | undefined {
  if (!Number.isSafeInteger(points) || points < 0 || !Number.isSafeInteger(durationSec) || durationSec < 1) {
    problems.push(`${where} needs whole points ≥ 0 and seconds ≥ 1`);
    return undefined;
  }
  return { points, durationSec };
}

function parseMagic(where: string, raw: unknown, problems: string[]): MagicDestination[] {
  const entries: unknown[] = Array.isArray(raw)
    ? raw
    : String(raw).split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
        const i = x.lastIndexOf(':');
        const j = x.lastIndexOf(':', i - 1);
        return { to: x.slice(0, j), code: x.slice(j + 1, i), outcome: x.slice(i + 1) };
      });
  const out: MagicDestination[] = [];
  for (const e of entries) {
    const m = e as Partial<MagicDestination>;
    if (typeof m.to !== 'string' || !m.to || typeof m.code !== 'string' || !/^\d{4,10}$/.test(m.code) ||
        (m.outcome !== 'delivered' && m.outcome !== 'undeliverable')) {
      problems.push(`${where}: each entry needs to, a 4–10 digit code and outcome delivered|undeliverable, got ${JSON.stringify(e)}`);
      continue;
    }
    out.push({ to: m.to.toLowerCase(), code: m.code, outcome: m.outcome });
  }
  return out;
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`VERITY_CONFIG: cannot read ${path}: ${(err as Error).message}`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`VERITY_CONFIG: ${path} is not a JSON object: ${(err as Error).message}`]);
  }
}

/**
 * Builds the configuration from the environment and the optional JSON file it names, and
 * validates it; every problem is reported at once so a deployment is fixed in one go.
 * This is the only place in Verity that reads `process.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): Config {
  const problems: string[] = [];
  const file = env.VERITY_CONFIG ? readFile(env.VERITY_CONFIG) : {};
  const known = new Set(SETTINGS.map((s) => s.key.split('.')[0]));
  for (const k of Object.keys(file)) if (!known.has(k)) problems.push(`config file: unknown key "${k}"`);

  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    if (s.key === '-') continue;
    const raw = getPath(overrides, s.key) ?? env[s.env] ?? (s.alias && env[s.alias.env]) ?? getPath(file, s.key) ?? (s.alias && getPath(file, s.alias.key)) ?? s.default;
    if (raw === undefined || raw === '') {
      setPath(out, s.key, undefined);
      continue;
    }
    setPath(out, s.key, parseValue(s, raw, problems));
  }
  const cfg = out as unknown as Config;
  validate(cfg, problems);
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

function validate(cfg: Config, problems: string[]): void {
  if (cfg.port < 0 || cfg.port > 65535) problems.push('PORT must be between 0 and 65535');
  if (!LEVELS.includes(cfg.logLevel)) problems.push(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  if (!cfg.databaseUrl.startsWith('sqlite:') && !isPostgresUrl(cfg.databaseUrl)) problems.push('DATABASE_URL must start with sqlite: or postgres://');
  if (!STORES.includes(cfg.limits.store)) problems.push(`LIMITS_STORE must be one of ${STORES.join(', ')}`);
  if (cfg.limits.store === 'redis' && !cfg.redisUrl) problems.push('LIMITS_STORE=redis needs REDIS_URL');
  const v = cfg.verification;
  if (v.codeLength < 4 || v.codeLength > 10) problems.push('CODE_LENGTH must be between 4 and 10');
  if (v.ttlS < 30 || v.ttlS > 86_400) problems.push('CODE_TTL_S must be between 30 and 86400');
  if (v.maxAttempts < 1 || v.maxAttempts > 100) problems.push('MAX_ATTEMPTS must be between 1 and 100');
  if (v.maxSends < 1 || v.maxSends > 100) problems.push('MAX_SENDS must be between 1 and 100');
  if (v.resendCooldownS < 0) problems.push('RESEND_COOLDOWN_S must be ≥ 0');
  if (cfg.tokenTtlS < 30) problems.push('TOKEN_TTL_S must be ≥ 30');
  if (cfg.keyCacheTtlS < 0) problems.push('KEY_CACHE_TTL_S must be ≥ 0');
  const d = cfg.delivery;
  if (d.pollMs < 10) problems.push('DELIVERY_POLL_MS must be ≥ 10');
  if (d.concurrency < 1) problems.push('DELIVERY_CONCURRENCY must be ≥ 1');
  if (d.maxAttempts < 1) problems.push('DELIVERY_MAX_ATTEMPTS must be ≥ 1');
  if (d.backoffMs < 1 || d.backoffMaxMs < d.backoffMs) problems.push('DELIVERY_BACKOFF_MS must be ≥ 1 and DELIVERY_BACKOFF_MAX_MS at least as long');
  if (d.leaseMs < 1000) problems.push('DELIVERY_LEASE_MS must be ≥ 1000');
  if (d.breakerThreshold < 1 || d.breakerHalfOpenMs < 1) problems.push('BREAKER_THRESHOLD and BREAKER_HALF_OPEN_MS must be ≥ 1');
  checkProviderList(cfg, problems);
  const numbers = parseEntries((cfg as { inboundNumbers?: unknown }).inboundNumbers ?? [], 'INBOUND_NUMBERS');
  problems.push(...numbers.problems);
  cfg.inboundNumbers = numbers.entries;
  const c = cfg.calls;
  if (c.ringS < 5 || c.ringS > 120) problems.push('CALL_RING_S must be between 5 and 120');
  if (c.flashRingS < 1 || c.flashRingS > 30) problems.push('FLASH_CALL_RING_S must be between 1 and 30');
  if (c.gatherS < 3 || c.gatherS > 10) problems.push('IVR_GATHER_S must be between 3 and 10');
  if (c.soundMaxBytes < 1024 || c.soundMaxBytes > 10 * 1024 * 1024) problems.push('SOUND_MAX_BYTES must be between 1024 and 10485760');
  if (c.soundsPerAccount < 0) problems.push('SOUNDS_PER_ACCOUNT must be ≥ 0');
  const known = ['claro', 'zadarma', 'smsc', 'messagecentral'];
  cfg.compat.vendors ??= [];
  for (const v of cfg.compat.vendors) if (!known.includes(v)) problems.push(`COMPAT_VENDORS: unknown vendor "${v}"; one of ${known.join(', ')}`);
  cfg.compat.claro.customerIds ??= [];
  cfg.compat.smsc = vendorSettings('COMPAT_SMSC', cfg.compat.smsc, DEFAULT_SMSC_SETTINGS, problems);
  cfg.compat.zadarma = vendorSettings('COMPAT_ZADARMA', cfg.compat.zadarma, DEFAULT_ZADARMA_SETTINGS, problems);
  cfg.compat.messagecentral = vendorSettings('COMPAT_MESSAGECENTRAL', cfg.compat.messagecentral, DEFAULT_MESSAGECENTRAL_SETTINGS, problems);
  problems.push(...messageCentralSettingsProblems({ ...DEFAULT_MESSAGECENTRAL_SETTINGS, ...cfg.compat.messagecentral }).map((p) => `COMPAT_MESSAGECENTRAL: ${p}`));
  if (cfg.compat.claro.toleranceS < 0 || cfg.compat.claro.toleranceS > 86_400) problems.push('COMPAT_CLARO_TOLERANCE_S must be between 0 and 86400');
  if (cfg.compat.claro.tokenTtlS < 60) problems.push('COMPAT_CLARO_TOKEN_TTL_S must be ≥ 60');
  if (cfg.silentRoutes !== undefined && !Array.isArray(cfg.silentRoutes)) {
    problems.push('SILENT_ROUTES must be a JSON list');
    cfg.silentRoutes = undefined;
  }
  if (cfg.operator.toleranceS < 0 || cfg.operator.toleranceS > 86_400) problems.push('SILENT_TOLERANCE_S must be between 0 and 86400');
  if (cfg.radius.port !== undefined && (cfg.radius.port < 0 || cfg.radius.port > 65535)) problems.push('RADIUS_PORT must be between 0 and 65535');
  if (cfg.radius.port !== undefined && !cfg.radius.secret) problems.push('RADIUS_PORT needs RADIUS_SECRET');
  if (cfg.operator.retentionDays < 1) problems.push('OPERATOR_RETENTION_DAYS must be ≥ 1');
  const w = cfg.webhooks;
  if (w.timeoutMs < 100 || w.maxAttempts < 1 || w.backoffMs < 1 || w.backoffMaxMs < w.backoffMs) problems.push('WEBHOOK_TIMEOUT_MS must be ≥ 100, WEBHOOK_MAX_ATTEMPTS ≥ 1, WEBHOOK_BACKOFF_MS ≥ 1 and WEBHOOK_BACKOFF_MAX_MS at least as long');
  for (const p of cfg.peppers ?? []) if (p.length < 32) problems.push('each of PEPPERS must be at least 32 characters');
  if (cfg.peppers && cfg.peppers.length === 0) problems.push('PEPPERS is set but empty');
  if (cfg.tokenSigningKey !== undefined && cfg.tokenSigningKey.length < 32) problems.push('TOKEN_SIGNING_KEY must be at least 32 characters');
  if (cfg.encryptionKey !== undefined && decodeKey(cfg.encryptionKey) === undefined) {
    problems.push('ENCRYPTION_KEY must be 32 bytes written as 64 hex digits or base64');
  }
}

/**
 * A vendor's settings object from the environment: only the vendor's own keys, each of the type its
 * default has, so a typo fails at boot instead of silently keeping the default.
 */
function vendorSettings(where: string, raw: unknown, defaults: object, problems: string[]): Record<string, unknown> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${where} must be a JSON object`);
    return {};
  }
  const known = defaults as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) {
    if (!Object.hasOwn(known, k)) problems.push(`${where}: unknown key "${k}"; one of ${Object.keys(known).join(', ')}`);
    else if (typeof v !== typeof known[k]) problems.push(`${where}.${k} must be a ${typeof known[k]}`);
  }
  return raw as Record<string, unknown>;
}

/** A 32-byte key written as hex or base64; undefined when it is neither. */
export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const b = Buffer.from(text, 'base64');
  return b.length === 32 ? b : undefined;
}

// The channels a provider delivers; reverse_call and silent are not routed.
const CHANNEL_NAMES: readonly string[] = DELIVERED_CHANNELS;

/** The shape of PROVIDERS and ROUTES; each provider's own options are checked by its type. */
function checkProviderList(cfg: Config, problems: string[]): void {
  const names = new Set<string>(['sandbox']);
  if (cfg.providers !== undefined) {
    if (!Array.isArray(cfg.providers)) {
      problems.push('PROVIDERS must be a JSON list');
      cfg.providers = undefined;
    } else {
      cfg.providers.forEach((p, i) => {
        const entry = p as Record<string, unknown> | null;
        if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(entry.name) || typeof entry.type !== 'string') {
          problems.push(`PROVIDERS[${i}] needs a name (lower-case letters, digits, - and _) and a type`);
          return;
        }
        if (names.has(entry.name)) problems.push(`PROVIDERS[${i}]: the name "${entry.name}" is taken (twice, or the built-in sandbox)`);
        names.add(entry.name);
      });
    }
  }
  if (cfg.routes === undefined) return;
  if (!Array.isArray(cfg.routes)) {
    problems.push('ROUTES must be a JSON list');
    cfg.routes = undefined;
    return;
  }
  cfg.routes = cfg.routes.map((r, i) => {
    const rule = (typeof r === 'object' && r !== null ? r : {}) as Partial<Record<keyof RouteRule, unknown>>;
    const prefix = rule.prefix === undefined ? '' : String(rule.prefix).replace(/^\+/, '');
    const priority = rule.priority === undefined ? 1 : Number(rule.priority);
    const weight = rule.weight === undefined ? 1 : Number(rule.weight);
    if (typeof rule.channel !== 'string' || !CHANNEL_NAMES.includes(rule.channel)) problems.push(`ROUTES[${i}].channel must be one of ${CHANNEL_NAMES.join(', ')}`);
    if (typeof rule.provider !== 'string' || !rule.provider) problems.push(`ROUTES[${i}].provider must name a provider of PROVIDERS (or sandbox)`);
    if (!/^\d{0,15}$/.test(prefix)) problems.push(`ROUTES[${i}].prefix must be calling-code digits`);
    if (!Number.isSafeInteger(priority) || !Number.isSafeInteger(weight) || weight < 1) problems.push(`ROUTES[${i}]: priority must be an integer and weight a whole number ≥ 1`);
    return { channel: String(rule.channel), prefix, provider: String(rule.provider), priority, weight };
  });
}
