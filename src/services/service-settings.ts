import type { VerificationDefaults } from '../config/config.js';
import type { ServiceTable } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import { resolveLocale, type Locale } from '../templates/index.js';
import type { Channel } from '../kernel/channel.js';
import { parseWorkflow, type WorkflowStep } from './workflow.js';
import type { ServiceStore } from './service-store.js';

/** The settings one verification runs under: the service's choices over the server defaults. */
export interface EffectiveSettings {
  serviceId: string | null;
  brand: string;
  codeLength: number;
  ttlS: number;
  maxAttempts: number;
  maxSends: number;
  resendCooldownS: number;
  channels: ReadonlySet<Channel> | null; // null: every channel
  locale: Locale;
  webotpDomain: string | null;
  androidAppHash: string | null;
  /** Used when a start names neither a channel nor a workflow. */
  workflow: WorkflowStep[] | null;
}

export class ServiceSettings {
  private readonly base: EffectiveSettings;

  constructor(
    private readonly store: ServiceStore,
    defaults: VerificationDefaults,
  ) {
    this.base = {
      serviceId: null,
      brand: defaults.brand,
      codeLength: defaults.codeLength,
      ttlS: defaults.ttlS,
      maxAttempts: defaults.maxAttempts,
      maxSends: defaults.maxSends,
      resendCooldownS: defaults.resendCooldownS,
      channels: null,
      locale: resolveLocale(defaults.locale, 'en'),
      webotpDomain: null,
      androidAppHash: null,
      workflow: null,
    };
  }

  /** Settings for a verification started under `serviceId` (or the defaults when none is named). */
  async resolve(accountId: string, serviceId: string | null | undefined): Promise<EffectiveSettings> {
    if (!serviceId) return this.base;
    const s = await this.store.get(accountId, serviceId);
    if (!s) throw new AppError('SERVICE_NOT_FOUND', `no service ${serviceId}`);
    return this.merge(s);
  }

  /** For a verification already started: its service's settings, or the defaults once the service is gone. */
  resolveOrDefault(accountId: string, serviceId: string | null): Promise<EffectiveSettings> {
    return this.resolve(accountId, serviceId).catch(() => this.base);
  }

  merge(s: ServiceTable): EffectiveSettings {
    const b = this.base;
    return {
      serviceId: s.id,
      brand: s.brand ?? b.brand,
      codeLength: s.code_length ?? b.codeLength,
      ttlS: s.ttl_s ?? b.ttlS,
      maxAttempts: s.max_attempts ?? b.maxAttempts,
      maxSends: s.max_sends ?? b.maxSends,
      resendCooldownS: s.resend_cooldown_s ?? b.resendCooldownS,
      channels: s.channels ? new Set(JSON.parse(s.channels) as Channel[]) : null,
      locale: s.locale ? resolveLocale(s.locale, b.locale) : b.locale,
      webotpDomain: s.webotp_domain,
      androidAppHash: s.android_app_hash,
      workflow: parseWorkflow(s.workflow),
    };
  }
}
