import type { Transaction } from 'kysely';
import type { PriceBook } from '../accounts/price-book.js';
import type { AppError } from '../errors/index.js';
import type { Database } from '../db/schema.js';
import type { CallTiming, IvrPrompts } from '../calls/call-script.js';
import type { MagicDestination } from '../config/config.js';
import type { CodeHasher } from '../crypto/code-hasher.js';
import type { Sealer } from '../crypto/sealer.js';
import type { MessageProvider } from '../delivery/provider.js';
import type { Outbox } from '../delivery/outbox.js';
import type { ProviderRouter } from '../delivery/router.js';
import type { Clock } from '../lib/clock.js';
import type { Limiter, LimitRule } from '../limits/limiter.js';
import type { ServiceSettings } from '../services/service-settings.js';
import type { SilentRequest, SilentResult } from '../silent/silent-resolver.js';
import type { TemplateService } from '../templates/template-service.js';
import type { WorkflowStep } from '../services/workflow.js';
import type { EventLog } from '../events/event-log.js';
import type { EventSink } from '../events/webhook-events.js';
import type { Channel } from '../kernel/channel.js';
import type { ScreenInput } from '../kernel/screen.js';
import type { VerificationStore } from './verification-store.js';
import type { VerificationEvents } from './verification-outcomes.js';

export interface StartInput {
  to: string;
  channel?: Channel | undefined;
  workflow?: WorkflowStep[] | undefined;
  service?: string | undefined;
  locale?: string | undefined;
  codeLength?: number | undefined;
  code?: string | undefined;
  template?: string | undefined;
  sender?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** IVR prompts: uploaded sounds or text. */
  ivr?: IvrPrompts | undefined;
  /** Email only: this message instead of a stored template (vendor APIs that send the text with the request). */
  content?: { subject?: string | undefined; body: string } | undefined;
  /** Silent verification: the device's public address as its app sees it, and when (default now). */
  device?: { ip: string; port?: number | undefined; at?: number | undefined } | undefined;
}

export interface NumberPicker {
  pick(accountId: string, purpose: 'reverse_call' | 'flash_call', destination: { to: string; country: string | null }): Promise<string | undefined>;
}

export interface CallerContext {
  accountId: string;
  ip: string;
}

/**
 * What judges a start or a resend before anything is written (the safe list, geo permissions,
 * the pumping rules): it throws a refusal that must leave no trace (geo), or returns its judgment,
 * which may still refuse (`refusal`: the start is then recorded as blocked) and which the write
 * that follows hands back (`written`).
 */
export interface DestinationScreen {
  check(input: ScreenInput): Promise<object | undefined>;
  /** The error to answer with when the judgment refused; `verificationId`: the blocked verification, or the resent one. */
  refusal(judged: object, verificationId: string): AppError | undefined;
  /** In the transaction that wrote the start, the resend, or the blocked verification. */
  /** A promise only when it has something to write (a refusal's decision). */
  written(trx: Transaction<Database>, judged: object, verificationId: string): Promise<void> | undefined;
  /** What the timeline shows of a judgment (a score and its signals; never the number or the address). */
  summary(judged: object): object;
}

/**
 * Holds paid sends to the account's spend caps (refusing with SPEND_CAP_REACHED): read before the
 * send's transaction, the returned step runs in it.
 */
export interface SpendGuard {
  prepare(accountId: string, country: string | null, micros: number): Promise<((trx: Transaction<Database>) => Promise<void>) | undefined>;
}

export interface VerificationLimiters {
  sendPerDestination: Limiter;
  startPerIp: Limiter;
  startPerAccount: Limiter;
}

export interface VerificationServiceDeps {
  store: VerificationStore;
  settings: ServiceSettings;
  templates: TemplateService;
  prices: PriceBook;
  /** The router for an account's messages (its own providers and rules, or the server's). */
  routerFor: (accountId: string) => Promise<ProviderRouter>;
  /** Where magic test destinations always go, whatever the routes say. */
  sandbox: MessageProvider;
  /** Where messages are queued; told after commit, so a worker on this instance sends at once. */
  outbox: Pick<Outbox, 'enqueue' | 'wake'>;
  limiters: VerificationLimiters;
  /**
   * Wrong codes one destination may get within a sliding window (`points` per `durationSec`;
   * `points` 0: no budget), across all its verifications. Kept in the main database.
   */
  guessBudget: LimitRule;
  hasher: CodeHasher;
  sealer: Sealer;
  clock: Clock;
  events: VerificationEvents;
  magic: readonly MagicDestination[];
  /** Reverse-call numbers and flash-call caller ids. */
  pools: NumberPicker;
  /** Asks the network (or an operator's API) about a silent verification's device. */
  silent: { resolve(req: SilentRequest): Promise<SilentResult> };
  /** Uploaded sounds an IVR may name, and the URL a provider fetches one from. */
  sounds: { exists(accountId: string, id: string): Promise<boolean>; url(id: string): string };
  callTiming: CallTiming;
  /** Where a device checks in over its mobile data when the app does not know its public address. */
  silentCheckInUrl: (token: string) => string;
  /** Refuses destinations the account's geo permissions block; none: every country is allowed. */
  screen?: DestinationScreen | undefined;
  /** Spend caps; none: paid sends are limited by the balance alone. */
  spend?: SpendGuard | undefined;
  /** The timeline log, appended in the transaction of each change. */
  timeline: Pick<EventLog, 'append'>;
  /** Hears verification.* and message.* events (webhooks). */
  sink?: EventSink | undefined;
  log?: { warn(obj: object, msg: string): void } | undefined;
}
