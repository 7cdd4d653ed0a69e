import { createHmac, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import { settingsOf } from '../config/index.js';
import type { App } from '../http/types.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { GeoPermissions } from './geo-permissions.js';
import { FraudSettings } from './fraud-settings.js';
import { GeoStore } from './geo-store.js';
import { PumpingEngine } from './pumping/engine.js';
import { PumpingGuard } from './pumping/guard.js';
import { SafeList } from './safe-list.js';
import { FraudScreen } from './screen.js';
import { SpendCaps } from './spend-caps.js';
import { SpendStore } from './spend-store.js';
import { fraudRoutes } from './routes.js';
import { durationMs, FRAUD_SETTINGS } from './settings.js';
import { DecisionLog } from './decisions.js';
import { PrefixBlocks } from './pumping/blocks.js';
import { PumpingRecord } from './record.js';
import { type ObservationFeed, PumpingExchange } from './pumping/exchange.js';
import { RedisFeed, REPLAY_MS, SqlFeed } from './pumping/feeds.js';

/** Fraud and cost control: the safe list and geo permissions, asked by every start and resend before anything is written, and spend caps, charged with each paid send. */
export const fraud = fp(
  async (app: App) => {
    const { config, database, clock, metrics } = app.core;
    const settings = settingsOf(config, FRAUD_SETTINGS);
    const resolveScope = async (accountId: string, serviceId: string | null) => {
      await app.parts.serviceSettings.resolve(accountId, serviceId);
    };
    const geo = new GeoPermissions(new GeoStore(database), { allowed: settings.fraud.geoAllow, blocked: settings.fraud.geoBlock }, clock, resolveScope, metrics);
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
    const safe = new SafeList(database, clock);
    const fraudSettings = new FraudSettings(spendStore, spend, { mode: f.mode, threshold: f.threshold }, clock, currencyOf, resolveScope);
    const blocks = new PrefixBlocks(database, clock, f.blockDurations.map(durationMs), app.parts.events);
    app.parts.prefixBlocks = blocks;
    const decisions = new DecisionLog(database);
    const engine = new PumpingEngine();
    const feed = feedOf(app);
    const fraudKey = app.core.derivedKey('fraud keys');
    const guard = new PumpingGuard({
      engine,
      // What is shared leaves the process as keyed hashes; alone, an instance counts the values themselves.
      hash: feed ? (value) => createHmac('sha256', fraudKey).update(value).digest('base64url').slice(0, 16) : (value) => value,
      settingsOf: (accountId, serviceId) => fraudSettings.judging(accountId, serviceId),
      clock,
      countryApprovals: countryApprovals(app),
      metrics,
      blocks,
      decisions,
      sink: app.parts.events,
    });
    // The engine learns which destinations were approved, once the approval has committed (every
    // way a verification is approved announces it).
    app.parts.events.subscribe((e) => {
      if (e.type !== 'verification.approved') return;
      const { to, country } = e.data as { to?: unknown; country?: unknown };
      if (typeof to === 'string' && typeof country === 'string') guard.approved(e.accountId, to, country, clock.now());
    });
    app.parts.screen = new FraudScreen(safe, geo, guard);
    app.parts.pumpingExchange = feed && share(app, engine, feed);
    // Counters of periods that ended more than a day ago are of no use to any cap; decisions and
    // ended blocks are kept as long as verifications.
    const keep = () => clock.now() - config.retention.days * 86_400_000;
    app.core.sweep(() => Promise.all([spendStore.sweep(clock.now() - 86_400_000), blocks.sweep(keep()), decisions.sweep(keep())]));
    await app.parts.authenticated(app, fraudRoutes(geo, fraudSettings, spend, safe, new PumpingRecord(decisions, blocks, clock)));
  },
  { name: 'fraud', dependencies: ['infrastructure', 'accounts', 'services', 'events', 'analytics'] },
);

/** More than one instance may share the database or Redis: their engines count each other's traffic (exchange.ts). None on SQLite. */
function feedOf(app: App): ObservationFeed | undefined {
  const { redis, database } = app.core;
  const origin = randomBytes(9).toString('base64url');
  // Feed bookkeeping runs on the machine's time, whatever clock the rules judge by.
  return redis ? new RedisFeed(redis, origin, Date.now) : database.dialect === 'postgres' ? new SqlFeed(database, origin, Date.now) : undefined;
}

function share(app: App, engine: PumpingEngine, feed: ObservationFeed): PumpingExchange {
  const { logger } = app.core;
  const exchange = new PumpingExchange(engine, feed, (err) => logger.warn({ err }, 'sharing the pumping rules’ observations failed'));
  exchange.start();
  app.addHook('preClose', () => exchange.stop());
  app.core.sweep(() => feed.sweep(Date.now() - 2 * REPLAY_MS));
  return exchange;
}

const COUNTRY_HISTORY_MS = 30 * 86_400_000;
const COUNTRY_CACHE_MS = 5 * 60_000;
/** (account, country) pairs whose approvals one instance keeps at most. */
export const COUNTRY_CACHE_MAX = 50_000;

/** An account's approvals to a country over the last 30 days, from the analytics rollups, read at most every five minutes per pair. */
function countryApprovals(app: App): (accountId: string, country: string) => number | Promise<number> {
  const cache = new TtlCache<number>(COUNTRY_CACHE_MS, COUNTRY_CACHE_MAX, () => app.core.clock.now());
  return (accountId, country) => cache.get(`${accountId}\u0000${country}`, () => app.parts.approvalsTo(accountId, country, app.core.clock.now() - COUNTRY_HISTORY_MS));
}
