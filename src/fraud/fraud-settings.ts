import { AppError } from '../errors/index.js';
import type { Principal } from '../http/types.js';
import { fraudAccount } from './settings.js';
import type { Clock } from '../lib/clock.js';
import type { FraudMode } from './pumping/guard.js';
import type { Caps, SpendCaps } from './spend-caps.js';
import type { SpendStore } from './spend-store.js';

const MICROS = 1_000_000;

/** The caps as the API writes them: amounts in the account's currency, null for none. */
export interface CapsBody {
  hourly?: number | null | undefined;
  daily?: number | null | undefined;
  monthly?: number | null | undefined;
  country_daily?: Record<string, number> | null | undefined;
  soft_percent?: number | undefined;
}

function capsView(c: Caps) {
  const units = (m: number | undefined) => (m === undefined ? null : m / MICROS);
  return {
    hourly: units(c.hourly),
    daily: units(c.daily),
    monthly: units(c.monthly),
    country_daily: c.countryDaily ? Object.fromEntries(Object.entries(c.countryDaily).map(([k, v]) => [k, v / MICROS])) : null,
    soft_percent: c.softPercent,
  };
}

interface Judging {
  mode?: FraudMode;
  threshold?: number;
}

interface SettingsBody {
  account?: string | undefined;
  service?: string | undefined;
  mode?: FraudMode | null | undefined;
  threshold?: number | null | undefined;
  caps?: CapsBody | undefined;
}

/** Sets the mode and threshold the body names; null takes one back to the default above it. */
function setOrClear(into: Record<string, unknown>, body: SettingsBody): void {
  for (const k of ['mode', 'threshold'] as const) {
    if (body[k] === null) delete into[k];
    else if (body[k] !== undefined) into[k] = body[k];
  }
}

/** An account's fraud and cost control settings over the server's defaults: read, and changed a field at a time. */
export class FraudSettings {
  constructor(
    private readonly store: SpendStore,
    private readonly spend: SpendCaps,
    /** The server's pumping rules (FRAUD_MODE, FRAUD_THRESHOLD), for what the account does not set. */
    private readonly server: { mode: FraudMode; threshold: number },
    private readonly clock: Clock,
    private readonly currencyOf: (accountId: string) => Promise<string>,
    /** Throws SERVICE_NOT_FOUND unless the service is the account's. */
    private readonly resolveService: (accountId: string, serviceId: string) => Promise<void>,
  ) {}

  /** The pumping rules' mode and threshold for a start: its service's own, else its account's, else the server's. */
  /** At once when this instance holds the account's settings, as it does on the start path. */
  judging(accountId: string, serviceId: string | null = null): { mode: FraudMode; threshold: number } | Promise<{ mode: FraudMode; threshold: number }> {
    const own = this.spend.ownSettings(accountId);
    return own instanceof Promise ? own.then((o) => this.judged(o, serviceId)) : this.judged(own, serviceId);
  }

  private judged(own: Record<string, unknown>, serviceId: string | null): { mode: FraudMode; threshold: number } {
    const service = serviceId ? (own.services as Record<string, Judging> | undefined)?.[serviceId] : undefined;
    return {
      mode: service?.mode ?? (own.mode as FraudMode | undefined) ?? this.server.mode,
      threshold: service?.threshold ?? (own.threshold as number | undefined) ?? this.server.threshold,
    };
  }

  async view(caller: Principal, account: string | undefined) {
    const accountId = fraudAccount(caller, account);
    const caps = await this.spend.capsFor(accountId);
    const own = await this.spend.ownSettings(accountId);
    return {
      account: accountId,
      currency: await this.currencyOf(accountId),
      ...(await this.judging(accountId)),
      services: (own.services as Record<string, Judging> | undefined) ?? {},
      caps: capsView(caps),
      server: { ...this.server, caps: capsView(this.spend.server) },
    };
  }

  async put(caller: Principal, body: SettingsBody) {
    const accountId = fraudAccount(caller, body.account);
    const own = await this.store.settings(accountId);
    if (body.service) {
      // A service's own mode and threshold; caps are the account's alone.
      if (body.caps) throw new AppError('VALIDATION_FAILED', 'spend caps are set for the whole account, without service');
      await this.resolveService(accountId, body.service);
      const services = { ...((own.services as Record<string, Judging> | undefined) ?? {}) };
      const mine: Judging = { ...services[body.service] };
      setOrClear(mine as Record<string, unknown>, body);
      if (Object.keys(mine).length === 0) delete services[body.service];
      else services[body.service] = mine;
      own.services = services;
    }
    // null: back to the server's default.
    else setOrClear(own, body);
    const caps: Record<string, unknown> = { ...((own.caps as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(body.caps ?? {})) {
      if (v === null) delete caps[k];
      else if (k === 'country_daily') caps[k] = Object.fromEntries(Object.entries(v as Record<string, number>).map(([c, n]) => [c === '*' ? c : c.toUpperCase(), n]));
      else caps[k] = v;
    }
    await this.store.putSettings(accountId, { ...own, caps }, this.clock.now());
    this.spend.forget(accountId);
    return this.view(caller, body.account);
  }
}
