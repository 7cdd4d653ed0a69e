import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccountService } from './accounts/account-service.js';
import type { AccountStore } from './accounts/account-store.js';
import type { KeyService } from './accounts/key-service.js';
import type { TokenService } from './accounts/token-service.js';
import type { PriceBook } from './accounts/price-book.js';
import type { EventFanout } from './events/event-fanout.js';
import type { EventLog } from './events/event-log.js';
import type { FraudScreen } from './fraud/screen.js';
import type { PrefixBlocks } from './fraud/pumping/blocks.js';
import type { PumpingExchange } from './fraud/pumping/exchange.js';
import type { SpendCaps } from './fraud/spend-caps.js';
import type { Sealer } from './crypto/sealer.js';
import type { App } from './http/types.js';
import type { SandboxProvider } from './sandbox/sandbox-provider.js';
import type { SandboxRecords } from './sandbox/sandbox-records.js';
import type { ServiceSettings } from './services/service-settings.js';
import type { ServiceStore } from './services/service-store.js';
import type { TemplateService } from './templates/template-service.js';
import type { CallService, CallVerifications } from './calls/call-service.js';
import type { CallStore } from './calls/call-store.js';
import type { VendorCredentials } from './compat/credentials/vendor-credentials.js';
import type { Config, resolveSecrets } from './config/index.js';
import type { DatabaseHandle } from './db/database.js';
import type { IdempotencyService } from './idempotency/idempotency-service.js';
import type { Outbox } from './delivery/outbox.js';
import type { OutboxStore } from './delivery/outbox-store.js';
import type { DeliveryWorker } from './delivery/outbox-worker.js';
import type { DeliveryReceipt } from './kernel/message.js';
import type { MessageProvider } from './delivery/provider.js';
import type { Breakers, ProviderRouter } from './delivery/router.js';
import type { Metrics } from './http/metrics.js';
import type { Clock } from './lib/clock.js';
import type { LimiterFactory } from './limits/index.js';
import type { OutboundGuard } from './outbound/outbound-guard.js';
import type { NumberPool } from './numbers/index.js';
import type { OperatorStore } from './silent/operator-store.js';
import type { RadiusAccountingListener } from './silent/radius/index.js';
import type { SilentEngine } from './silent/silent-engine.js';
import type { AccountProviders } from './providers/account-providers.js';
import type { InboxStore } from './sandbox/inbox-store.js';
import type { PhoneStore } from './sandbox/phone-store.js';
import type { VirtualPhone } from './sandbox/virtual-phone.js';
import type { SilentRouter } from './silent/index.js';
import type { SimulatedOperator } from './silent/simulated-operator.js';
import type { SoundService } from './sounds/index.js';
import type { SoundStore } from './sounds/sound-store.js';
import type { VerificationService } from './verifications/verification-service.js';
import type { Retention } from './verifications/retention.js';
import type { VerificationStore } from './verifications/verification-store.js';
import type { WebhookSender } from './webhooks/webhook-sender.js';
import type { WebhookService } from './webhooks/webhook-service.js';

/** What the app is made of, reachable from tests and the CLI without going through HTTP. */
export interface Verity {
  config: Config;
  database: DatabaseHandle;
  accounts: AccountService;
  accountStore: AccountStore;
  keys: KeyService;
  verifications: VerificationService;
  verificationStore: VerificationStore;
  /** RETENTION_DAYS and PII_RETENTION_DAYS, run by the sweep. */
  retention: Retention;
  inbox: InboxStore;
  outbox: OutboxStore;
  worker: DeliveryWorker;
  router: ProviderRouter;
  breakers: Breakers;
  accountProviders: AccountProviders;
  webhooks: WebhookService;
  webhookSender: WebhookSender;
  operatorStore: OperatorStore;
  silent: SilentEngine;
  /** The RADIUS accounting listener, when RADIUS_PORT is set. */
  radius: RadiusAccountingListener | undefined;
  calls: CallService;
  callStore: CallStore;
  vendorCredentials: VendorCredentials;
  numbers: NumberPool;
  sounds: SoundStore;
  phone: VirtualPhone;
  silentRouter: SilentRouter;
  metrics: Metrics;
  clock: Clock;
}

/** Builds the operator's providers in place of PROVIDERS (tests; the sandbox is always there). */
export type ProviderFactory = (deps: { inbox: InboxStore; phones: PhoneStore; clock: Clock; onReceipt: (provider: string, r: DeliveryReceipt) => void }) => MessageProvider[];

/** What the infrastructure plugin gives every capability plugin. */
export interface Core {
  config: Config;
  logger: Logger;
  secrets: ReturnType<typeof resolveSecrets>;
  database: DatabaseHandle;
  redis: Redis | undefined;
  clock: Clock;
  limiters: LimiterFactory;
  metrics: Metrics;
  /** The public base URL of this server. */
  baseUrl: string;
  /** A key for one use of Verity's own signed tokens and URLs, derived from the token signing key. */
  derivedKey: (use: string) => Buffer;
  /** What accounts configure (webhooks, their own providers) may reach. */
  accountOutbound: OutboundGuard;
  /** What the operator's own upstreams may reach. */
  operatorOutbound: OutboundGuard;
  sealer: Sealer;
  /** Runs a task on the periodic sweep; a failure is logged and the next sweep tries again. */
  sweep: (task: () => Promise<unknown>) => void;
}

/** Routes a capability plugin registers behind the API-key or token check. */
export type RoutePlugin = (app: App) => Promise<void>;

/**
 * What capability plugins hand to those registered after them and nobody else needs. Each member is
 * set by the plugin named beside it, which the plugins that read it list in their `dependencies`.
 */
export interface Parts {
  /** accounts */
  tokens: TokenService;
  /** accounts */
  prices: PriceBook;
  /** accounts: registers routes in a scope of their own behind the authentication hook. */
  authenticated: (app: App, ...routes: RoutePlugin[]) => Promise<void>;
  /** services */
  serviceStore: ServiceStore;
  /** services */
  serviceSettings: ServiceSettings;
  /** templates */
  templates: TemplateService;
  /** sandbox */
  phones: PhoneStore;
  /** sandbox */
  sandbox: SandboxProvider;
  /** sandbox: its inbox and calls, under retention. */
  sandboxRecords: SandboxRecords;
  /** events: verification events for webhooks and the vendor APIs. */
  events: EventFanout;
  /** events: the verifications' timeline log. */
  eventLog: EventLog;
  /** sounds: a signed URL a call provider can fetch the sound from. */
  soundUrl: (id: string) => string;
  /** sounds */
  soundKey: Buffer;
  /** sounds: uploads, listing and removal. */
  sounds: SoundService;
  /** outbox: where messages are queued. */
  outbox: Outbox;
  /** verifications: what the call channels ask of them. */
  callVerifications: CallVerifications;
  /** silent: the sandbox's simulated operator, where virtual phones go online. */
  simulatedOperator: SimulatedOperator;
  /** idempotency */
  idempotency: IdempotencyService;
  /** analytics: approvals of an account's verifications to a country that started since a time. */
  approvalsTo: (accountId: string, country: string, from: number) => Promise<number>;
  /** fraud: the safe list, geo permissions and the pumping rules, asked before a start or a resend writes anything. */
  screen: FraudScreen;
  /** fraud: spend caps, charged in the transaction of each paid send. */
  spend: SpendCaps;
  /** fraud: prefix blocks; the sweeper announces those that ran out. */
  prefixBlocks: PrefixBlocks;
  /** fraud: what the pumping rules of instances on one PostgreSQL or Redis share (none on SQLite). */
  pumpingExchange: PumpingExchange | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    verity: Verity;
    core: Core;
    parts: Parts;
  }
}
