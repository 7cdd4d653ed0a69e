import fp from 'fastify-plugin';
import { settingsOf } from '../config/index.js';
import type { App } from '../http/types.js';
import { GeoPermissions } from './geo-permissions.js';
import { FraudSettings } from './fraud-settings.js';
import { GeoStore } from './geo-store.js';
import { SafeList } from './safe-list.js';
import { FraudScreen } from './screen.js';
import { SpendCaps } from './spend-caps.js';
import { SpendStore } from './spend-store.js';
import { fraudRoutes } from './routes.js';
import { FRAUD_SETTINGS } from './settings.js';

/** Fraud and cost control: the safe list and geo permissions, asked by every start and resend before anything is written, and spend caps, charged with each paid send. */
export const fraud = fp(
  async (app: App) => {
    const { config, database, clock, metrics } = app.core;
    const settings = settingsOf(config, FRAUD_SETTINGS);
    const geo = new GeoPermissions(
      new GeoStore(database),
      { allowed: settings.fraud.geoAllow, blocked: settings.fraud.geoBlock },
      clock,
      async (accountId, serviceId) => {
        await app.parts.serviceSettings.resolve(accountId, serviceId);
      },
      metrics,
    );
    const safe = new SafeList(database, clock);
    app.parts.screen = new FraudScreen(safe, geo);
    const money = (v: string | undefined) => (v === undefined ? undefined : Math.round(Number(v) * 1_000_000));
    const f = settings.fraud;
    const serverCaps = {
      hourly: money(f.spendHourly),
      daily: money(f.spendDaily),
      monthly: money(f.spendMonthly),
      countryDaily: f.spendCountryDaily === undefined ? undefined : { '*': money(f.spendCountryDaily) as number },
      softPercent: f.spendSoftPercent,
    };
    const currencyOf = async (accountId: string) => (await app.verity.accounts.find(accountId))?.currency ?? 'USD';
    const spendStore = new SpendStore(database);
    const spend = new SpendCaps(spendStore, serverCaps, clock, currencyOf, app.parts.events);
    app.parts.spend = spend;
    // Counters of periods that ended more than a day ago are of no use to any cap.
    app.core.sweep(() => spendStore.sweep(clock.now() - 86_400_000));
    await app.parts.authenticated(app, fraudRoutes(geo, new FraudSettings(spendStore, spend, clock, currencyOf), spend, safe));
  },
  { name: 'fraud', dependencies: ['infrastructure', 'accounts', 'services', 'events'] },
);
