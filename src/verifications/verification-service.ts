import type { AccountStore } from '../accounts/account-store.js';
import type { PriceBook } from '../billing/price-book.js';
import type { MagicDestination } from '../config/config.js';
import type { CodeHasher } from '../crypto/code-hasher.js';
import type { Sealer } from '../crypto/sealer.js';
import type { MessageRow } from '../delivery/outbox-store.js';
import type { DeliveryListener, MessagePayload } from '../delivery/outbox-worker.js';
import type { DeliveryOutcome, MessageProvider, OutboundMessage, SendReceipt } from '../delivery/provider.js';
import type { ProviderRouter } from '../delivery/router.js';
import type { EventSink, WebhookEventType } from '../webhooks/webhook-events.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Limiter, LimitResult, LimitRule } from '../limits/limiter.js';
import type { EffectiveSettings, ServiceSettings } from '../services/service-settings.js';
import { builtinTemplate, MESSAGE_CHANNELS, resolveLocale, validateTemplate, type Locale, type MessageChannel, type MessageTemplate } from '../templates/index.js';
import type { TemplateStore } from '../templates/template-store.js';
import { CODE_PATTERN, generateCode } from './code.js';
import { channelFits, normalizeRecipient, sendsToDestination, type Channel, type Recipient } from './recipient.js';
import { finishedError } from './state-errors.js';
import { deliveryFailure, legacyReason, silentFailure, type DeliveryFailure, type Failure, type FailureReason } from './failure-reason.js';
import type { CallTiming, IvrPrompts } from '../calls/call-script.js';
import { codeFromCallerId, flashCli, flashCodeLength, flashCodeOf } from '../numbers/index.js';
import type { SilentRequest, SilentResult } from '../silent/silent-resolver.js';
import { channelDataJson, parseChannelData } from './channel-data.js';
import { stepContent } from './step-content.js';
import { checkSteps, parseWorkflow, plannedSteps, stepDeadline, type WorkflowStep } from './workflow.js';
import type { VerificationRow, VerificationStore } from './verification-store.js';
import { effectiveStatus, toView, type VerificationStatus, type VerificationView } from './view.js';

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

/** Thrown inside a workflow move that another request or instance made first. */
const LOST_RACE = new Error('the verification moved on');

/** A caller id as an app reads it (`+44 20 7946-0123`), accepted by check for flash calls. */
const CALLER_ID = /^\+?[0-9][0-9 ()-]{3,30}$/;

export interface CallerContext {
  accountId: string;
  ip: string;
}

export interface VerificationLimiters {
  sendPerDestination: Limiter;
  startPerIp: Limiter;
  startPerAccount: Limiter;
}

/** What one check decided, inside its write unit. */
type CheckVerdict =
  | { kind: 'refused'; row: VerificationRow; retryAfterMs: number }
  | { kind: 'approved'; row: VerificationRow }
  | { kind: 'wrong'; row: VerificationRow; status: 'pending' }
  | { kind: 'wrong'; row: VerificationRow; status: 'max_attempts' | 'blocked'; reason: FailureReason };

export interface VerificationEvents {
  started(channel: string): void;
  approved(channel: string): void;
  failed(channel: string): void;
}

export interface CheckResult extends VerificationView {
  valid: boolean;
}

export interface VerificationServiceDeps {
  store: VerificationStore;
  settings: ServiceSettings;
  templates: TemplateStore;
  accounts: AccountStore;
  prices: PriceBook;
  /** The router for an account's messages (its own providers and rules, or the server's). */
  routerFor: (accountId: string) => Promise<ProviderRouter>;
  /** Where magic test destinations always go, whatever the routes say. */
  sandbox: MessageProvider;
  /** Told when a message is queued, so a worker on this instance sends it at once. */
  outbox: { wake(): void };
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
  /** Hears verification.* and message.* events (webhooks). */
  sink?: EventSink | undefined;
  log?: { warn(obj: object, msg: string): void } | undefined;
}

function messageData(m: MessageRow): Record<string, unknown> {
  return { id: m.id, verification_id: m.verification_id, channel: m.channel, to: m.to, status: m.status, provider: m.provider, provider_message_id: m.provider_message_id, error: m.error };
}

function limited(code: 'RATE_LIMITED' | 'DESTINATION_RATE_LIMITED' | 'GUESS_LIMIT_REACHED', r: Pick<LimitResult, 'retryAfterMs'>, detail: string): AppError {
  return new AppError(code, detail, {}, Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
}

/** The verification rules: issue, send, re-send, check, cancel. No HTTP and no SQL here. */
export class VerificationService implements DeliveryListener {
  private readonly magic: Map<string, MagicDestination>;

  constructor(private readonly d: VerificationServiceDeps) {
    this.magic = new Map(d.magic.map((m) => [m.to, m]));
  }

  readonly isMagic = (to: string): boolean => this.magic.has(to.toLowerCase());

  async start(ctx: CallerContext, input: StartInput): Promise<VerificationView> {
    const { d } = this;
    const settings = await d.settings.resolve(ctx.accountId, input.service);
    const steps = plannedSteps(input.channel, input.workflow, settings.workflow);
    const channel = (steps[0] as WorkflowStep).channel;
    const recipient = normalizeRecipient(channel, input.to, this.isMagic);
    checkSteps(steps, recipient.lineType, settings.channels);
    const magic = this.magic.get(recipient.to);
    if (input.code !== undefined && !CODE_PATTERN.test(input.code)) throw new AppError('INVALID_CODE_FORMAT', 'code must be 4 to 10 digits');
    const locale = resolveLocale(input.locale, settings.locale);
    const template = input.content ? this.inlineTemplate(channel, input.content, locale) : await this.templateFor(ctx.accountId, input.template, channel, locale, true);
    const uses = (c: Channel) => steps.some((s) => s.channel === c);
    let code = magic?.code ?? input.code;
    let cli: string | undefined;
    if (uses('flash_call')) ({ code, cli } = await this.flashCode(ctx.accountId, recipient, code, magic !== undefined, input.codeLength ?? settings.codeLength));
    code ??= generateCode(input.codeLength ?? settings.codeLength);
    const callNumber = uses('reverse_call') ? await this.poolNumber(ctx.accountId, 'reverse_call', recipient) : null;
    if (input.ivr) await this.checkSounds(ctx.accountId, input.ivr);

    await this.enforce(d.limiters.startPerIp, ctx.ip, 'RATE_LIMITED', 'too many verifications from this address');
    await this.enforce(d.limiters.startPerAccount, ctx.accountId, 'RATE_LIMITED', 'too many verifications for this account');

    const now = d.clock.now();
    const id = newId('ver');
    const row: VerificationRow = {
      id,
      account_id: ctx.accountId,
      service_id: settings.serviceId,
      channel,
      to: recipient.to,
      line_type: recipient.lineType,
      country: recipient.country,
      status: 'pending',
      code_hash: d.hasher.hash(id, code),
      code_sealed: d.sealer.seal(code, id),
      code_length: code.length,
      locale,
      template_id: input.template ?? null,
      sender: input.sender ?? null,
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      magic: magic ? 1 : 0,
      attempts: 0,
      max_attempts: settings.maxAttempts,
      sends: 1,
      max_sends: settings.maxSends,
      resend_cooldown_s: settings.resendCooldownS,
      last_sent_at: now,
      expires_at: now + settings.ttlS * 1000,
      workflow: steps.length > 1 ? JSON.stringify(steps) : null,
      step: 0,
      step_deadline: stepDeadline(steps, 0, now),
      call_number: callNumber,
      channel_data: null,
      failure_reason: null,
      failure_provider_error: null,
      created_at: now,
      updated_at: now,
    };
    row.channel_data = channelDataJson({
      device: uses('silent') && input.device ? { ip: input.device.ip, port: input.device.port, at: input.device.at ?? now } : undefined,
      ivr: input.ivr,
      flash_cli: cli ? d.sealer.seal(cli, id) : undefined,
    });
    row.status = await this.send(row, channel, template, settings, code, async (trx) => d.store.insert(trx, row));
    d.events.started(channel);
    this.notify('verification.started', row);
    // A workflow may already have moved past a step the sandbox could not deliver, a silent step
    // may have been given the address the device must open, and a start that failed at once has
    // its reason on the row.
    const reread = row.status === 'failed' || ((row.workflow || channel === 'silent') && row.status === 'pending');
    const current = reread ? ((await d.store.byId(id)) ?? row) : row;
    return toView(current, now);
  }

  async get(accountId: string, id: string): Promise<VerificationView> {
    return toView(await this.load(accountId, id), this.d.clock.now());
  }

  async check(ctx: CallerContext, id: string, code: string): Promise<CheckResult> {
    const { d } = this;
    // A flash call's code is read from the caller id, which the app may report whole.
    if (!CODE_PATTERN.test(code) && !(CALLER_ID.test(code) && (await d.store.get(ctx.accountId, id))?.channel === 'flash_call')) {
      throw new AppError('INVALID_CODE_FORMAT', 'code must be 4 to 10 digits');
    }
    const now = d.clock.now();
    const budget = d.guessBudget;
    const windowMs = budget.points > 0 ? budget.durationSec * 1000 : 0;
    const since = now - windowMs;
    // One write unit: the attempt is counted, the destination's wrong guesses in the window are
    // read, the code is compared and the outcome written, before any other check of the same
    // verification or destination gets past its count. So a right code that loses a race finds
    // the verification approved and counts nothing, and parallel wrong guesses cannot slip past
    // the budget: a guess is refused before comparison once the window holds the budget.
    const verdict = await d.store.transaction(async (trx): Promise<CheckVerdict | undefined> => {
      const counted = await d.store.countAttempt(trx, ctx.accountId, id, now, since);
      // No row: the verification is unknown, finished, expired or out of attempts.
      if (!counted) return undefined;
      const { row, wrongGuesses } = counted;
      const budgeted = budget.points > 0 && !row.magic;
      if (budgeted && wrongGuesses >= budget.points) {
        // The window lets a guess in again when the guess that filled it leaves.
        const filledAt = await d.store.wrongGuessAt(trx, row.account_id, row.to, since, wrongGuesses - budget.points);
        return { kind: 'refused', row, retryAfterMs: (filledAt ?? now) + windowMs - now };
      }
      const candidate = row.channel === 'flash_call' ? (codeFromCallerId(code, row.code_length) ?? code) : code;
      if (d.hasher.verify(id, candidate, row.code_hash)) {
        // The row was counted as pending and unexpired in this transaction, so this approves it.
        await d.store.finishIn(trx, id, 'approved', now);
        return { kind: 'approved', row };
      }
      if (budgeted) await d.store.recordWrongGuess(trx, row.account_id, row.to, now);
      // A wrong guess that uses up the verification's attempts, or the destination's last guess,
      // ends the verification.
      if (row.attempts >= row.max_attempts) {
        await d.store.finishIn(trx, id, 'max_attempts', now, { failure: { reason: 'max_attempts' } });
        return { kind: 'wrong', row, status: 'max_attempts', reason: 'max_attempts' };
      }
      if (budgeted && wrongGuesses + 1 >= budget.points) {
        await d.store.finishIn(trx, id, 'blocked', now, { failure: { reason: 'guess_limit' } });
        return { kind: 'wrong', row, status: 'blocked', reason: 'guess_limit' };
      }
      return { kind: 'wrong', row, status: 'pending' };
    });
    if (!verdict) throw await this.stateError(ctx.accountId, id);
    const { row } = verdict;
    switch (verdict.kind) {
      case 'refused':
        throw limited('GUESS_LIMIT_REACHED', { retryAfterMs: verdict.retryAfterMs }, 'too many wrong codes for this destination; try again later');
      case 'approved': {
        const approved = { ...row, status: 'approved', code_sealed: null, updated_at: now };
        d.events.approved(row.channel);
        this.notify('verification.approved', approved);
        return { ...toView(approved, now), valid: true };
      }
      case 'wrong': {
        if (verdict.status === 'pending') return { ...toView(row, now), valid: false };
        const ended = { ...row, status: verdict.status, code_sealed: null, failure_reason: verdict.reason, updated_at: now };
        d.events.failed(row.channel);
        this.notify('verification.failed', ended, { reason: legacyReason(verdict.reason) });
        return { ...toView(ended, now), valid: false };
      }
    }
  }

  async resend(ctx: CallerContext, id: string, channel?: Channel): Promise<VerificationView> {
    const { d } = this;
    const row = await this.load(ctx.accountId, id);
    const now = d.clock.now();
    await this.assertPending(row, now);
    const target = channel ?? (row.channel as Channel);
    if (!channelFits(target, row.line_type as 'mobile' | 'fixed' | 'email')) {
      throw new AppError('CHANNEL_MISMATCH', `this ${row.line_type === 'email' ? 'address' : 'number'} cannot be reached on ${target}`);
    }
    if (target === 'reverse_call' || target === 'silent' || (target === 'flash_call' && !parseChannelData(row.channel_data).flash_cli)) {
      throw new AppError('CHANNEL_MISMATCH', `${target} has nothing to send again; start a new verification`);
    }
    const settings = await d.settings.resolveOrDefault(ctx.accountId, row.service_id);
    if (settings.channels && !settings.channels.has(target)) throw new AppError('CHANNEL_NOT_ALLOWED', `the service does not allow ${target}`);
    if (row.sends >= row.max_sends) throw new AppError('MAX_SENDS_REACHED', `at most ${row.max_sends} sends per verification`);
    const nextAt = row.last_sent_at + row.resend_cooldown_s * 1000;
    if (now < nextAt) throw new AppError('RESEND_COOLDOWN', 'wait before sending the code again', { next_send_at: new Date(nextAt).toISOString() }, Math.ceil((nextAt - now) / 1000));

    if (!row.code_sealed) throw await this.stateError(ctx.accountId, id);
    const code = d.sealer.open(row.code_sealed, id);
    const template = await this.templateFor(ctx.accountId, target === row.channel ? row.template_id : null, target, row.locale as Locale, false);
    // A resend on a later step's channel jumps the workflow to that step.
    const steps = parseWorkflow(row.workflow);
    const found = steps ? steps.findIndex((s, i) => i > row.step && s.channel === target) : -1;
    const jump = found > 0 ? { index: found, deadline: stepDeadline(steps, found, now) } : undefined;
    let lostRace = false;
    try {
      const status = await this.send(
        row,
        target,
        template,
        settings,
        code,
        async (trx) => {
          // Inside the write unit only the transaction may be used: a read through the pool would
          // wait for the connection this unit holds on SQLite. The state is read after it ends.
          if (!(await d.store.recordSend(trx, id, target, now, jump))) {
            lostRace = true;
            throw new AppError('CONFLICT');
          }
        },
        jump?.index ?? row.step,
      );
      return toView({ ...row, channel: target, status, sends: row.sends + 1, last_sent_at: now, updated_at: now }, now);
    } catch (err) {
      throw lostRace ? await this.stateError(ctx.accountId, id) : err;
    }
  }

  async cancel(accountId: string, id: string): Promise<VerificationView> {
    const row = await this.load(accountId, id);
    const now = this.d.clock.now();
    await this.assertPending(row, now);
    if (!(await this.d.store.finish(id, 'canceled', now, { failure: { reason: 'canceled' } }))) throw await this.stateError(accountId, id);
    const canceled = { ...row, status: 'canceled', code_sealed: null, failure_reason: 'canceled', updated_at: now };
    this.notify('verification.canceled', canceled);
    return toView(canceled, now);
  }

  /** Ends expired verifications and drops their sealed codes; reads never depend on it. */
  async sweep(): Promise<number> {
    const now = this.d.clock.now();
    const expired = await this.d.store.sweepExpired(now);
    for (const row of expired) this.notify('verification.expired', row);
    await this.d.store.sweepWrongGuesses(now - Math.max(0, this.d.guessBudget.durationSec) * 1000);
    return expired.length;
  }

  /**
   * Writes the message in the same transaction as the state change (`write`) and the debit,
   * then hands it to the provider. Returns the verification's status after the hand-off.
   */
  private async send(
    row: VerificationRow,
    channel: Channel,
    template: MessageTemplate | null,
    settings: EffectiveSettings,
    code: string,
    write: (trx: Parameters<Parameters<VerificationStore['transaction']>[0]>[0]) => Promise<void>,
    step = row.step,
  ): Promise<VerificationStatus> {
    const { d } = this;
    // Nothing goes out for these: the user calls us, or the network answers.
    if (!sendsToDestination(channel)) {
      await d.store.transaction(write);
      return channel === 'silent' ? this.runSilent({ ...row, step, channel }) : 'pending';
    }
    // Only a step that sends counts against the destination's send limit (magic test
    // destinations have none), and gets its point back if nothing was sent after all.
    const destKey = `${row.account_id}:${row.to}`;
    if (!row.magic) await this.enforce(d.limiters.sendPerDestination, destKey, 'DESTINATION_RATE_LIMITED', 'too many messages to this destination; try later');
    const { receipt, provider, messageId } = await this.queue(row, channel, template, settings, code, write, step).catch(async (err: unknown) => {
      if (!row.magic) await d.limiters.sendPerDestination.reward(destKey);
      throw err;
    });
    if (!receipt) {
      d.outbox.wake();
      return 'pending';
    }
    const sent = { id: messageId, verification_id: row.id, channel, to: row.to, status: receipt.status, provider: provider.name, provider_message_id: receipt.providerMessageId, error: null };
    this.notifyMessage(receipt.status === 'delivered' ? 'message.delivered' : receipt.status === 'sent' ? 'message.sent' : 'message.failed', row, sent);
    if (receipt.status !== 'undeliverable') return 'pending';
    if (await this.advance({ ...row, step, channel }, 'failed')) return ((await d.store.byId(row.id))?.status ?? 'pending') as VerificationStatus;
    return (await this.deliveryFailed(row.id, channel, { reason: 'undeliverable' })) ? 'failed' : 'pending';
  }

  /**
   * Renders the step's message and writes it with `write` and the debit in one transaction; a
   * local provider delivers it there (its receipt), any other gets it from the outbox.
   */
  private async queue(
    row: VerificationRow,
    channel: Channel,
    template: MessageTemplate | null,
    settings: EffectiveSettings,
    code: string,
    write: (trx: Parameters<Parameters<VerificationStore['transaction']>[0]>[0]) => Promise<void>,
    step: number,
  ): Promise<{ receipt: SendReceipt | undefined; provider: MessageProvider; messageId: string }> {
    const { d } = this;
    const now = d.clock.now();
    const data = parseChannelData(row.channel_data);
    const rendered = stepContent({
      channel,
      template,
      code,
      brand: settings.brand,
      minutes: Math.max(1, Math.ceil((row.expires_at - now) / 60_000)),
      locale: row.locale as Locale,
      webotpDomain: settings.webotpDomain,
      androidAppHash: settings.androidAppHash,
      ivr: data.ivr,
      flashCli: data.flash_cli ? d.sealer.open(data.flash_cli, row.id) : undefined,
      timing: d.callTiming,
      soundUrl: d.sounds.url,
    });
    const provider = row.magic ? d.sandbox : (await d.routerFor(row.account_id)).first({ channel, to: row.to, text: rendered.text });
    if (!provider) throw new AppError('NO_PROVIDER', `no provider is configured to deliver ${channel} to this destination`);
    const price = provider.billable ? await d.prices.priceMicros(row.account_id, channel, row.to) : 0;
    const messageId = newId('msg');
    const outbound: OutboundMessage = {
      id: messageId,
      accountId: row.account_id,
      verificationId: row.id,
      channel,
      to: row.to,
      text: rendered.text,
      subject: rendered.subject,
      html: rendered.html,
      code,
      sender: row.sender,
      locale: row.locale,
      call: rendered.call,
    };
    const payload: MessagePayload = { text: rendered.text, subject: rendered.subject, html: rendered.html, code, sender: row.sender, call: rendered.call };
    let receipt: SendReceipt | undefined;
    await d.store.transaction(async (trx) => {
      if (price > 0 && !(await d.accounts.debit(trx, row.account_id, price))) {
        throw new AppError('INSUFFICIENT_BALANCE', 'the account balance does not cover this send');
      }
      await write(trx);
      // A local provider delivers inside this transaction; any other gets the message after commit.
      if (provider.sendInTransaction) receipt = await provider.sendInTransaction(trx, outbound);
      await d.store.insertMessage(trx, {
        id: messageId,
        verification_id: row.id,
        account_id: row.account_id,
        channel,
        to: row.to,
        locale: row.locale,
        payload_sealed: receipt ? null : d.sealer.seal(JSON.stringify(payload), messageId),
        status: receipt?.status ?? 'queued',
        provider: receipt ? provider.name : null,
        provider_message_id: receipt?.providerMessageId ?? null,
        price_micros: price,
        error: null,
        attempts: receipt ? 1 : 0,
        step,
        next_attempt_at: receipt ? null : now,
        created_at: now,
        updated_at: now,
      });
    });
    return { receipt, provider, messageId };
  }

  // ---- delivery events (DeliveryListener) ----

  async isLive(message: MessageRow): Promise<boolean> {
    const row = await this.d.store.byId(message.verification_id);
    return row !== undefined && row.status === 'pending' && row.expires_at > this.d.clock.now();
  }

  async onSent(message: MessageRow, status: DeliveryOutcome): Promise<void> {
    const row = await this.d.store.byId(message.verification_id);
    if (row) this.notifyMessage(status === 'delivered' ? 'message.delivered' : 'message.sent', row, { ...messageData(message), status });
  }

  async onFailed(message: MessageRow, error: string, how: DeliveryFailure): Promise<void> {
    const row = await this.d.store.byId(message.verification_id);
    if (row) this.notifyMessage('message.failed', row, { ...messageData(message), status: 'failed', error });
    // A failed step moves the workflow on; only the last step's failure (or a stale one) ends it.
    if (row && message.step !== row.step) return;
    if (row && (await this.advance(row, 'failed'))) return;
    await this.deliveryFailed(message.verification_id, message.channel, deliveryFailure(message.channel, how, error));
  }

  /**
   * Ends a pending verification on an event from outside (a key pressed, a call received, the
   * network's answer); true only for the caller that ended it.
   */
  async conclude(row: VerificationRow, status: 'approved' | 'failed', reason?: FailureReason, now = this.d.clock.now()): Promise<boolean> {
    const failure = status === 'failed' && reason ? { reason } : undefined;
    if (!(await this.d.store.finish(row.id, status, now, { failure }))) return false;
    if (status === 'approved') this.d.events.approved(row.channel);
    else this.d.events.failed(row.channel);
    const ended = { ...row, status, code_sealed: null, failure_reason: failure?.reason ?? null, updated_at: now };
    this.notify(status === 'approved' ? 'verification.approved' : 'verification.failed', ended, failure ? { reason: legacyReason(failure.reason) } : {});
    return true;
  }

  /** A step that did not prove anything (a silent no-match or an operator that could not answer): the next step, or failed. */
  async fallThrough(row: VerificationRow, reason: FailureReason): Promise<VerificationStatus> {
    if (await this.advance(row, 'failed')) return ((await this.d.store.byId(row.id))?.status ?? 'pending') as VerificationStatus;
    return (await this.conclude(row, 'failed', reason)) ? 'failed' : (((await this.d.store.byId(row.id))?.status ?? 'failed') as VerificationStatus);
  }

  /** Approves every reverse-call verification of `from` waiting for a call to `to`; the ids it approved. */
  async inboundCall(from: string, to: string, account?: string): Promise<string[]> {
    const approved: string[] = [];
    for (const row of await this.d.store.awaitingCall(from, to, this.d.clock.now())) {
      if ((account === undefined || row.account_id === account) && (await this.conclude(row, 'approved'))) approved.push(row.id);
    }
    return approved;
  }

  /** The network's answer about a silent step (now, or after the device's round trip to its operator). */
  async silentAnswer(verificationId: string, outcome: string): Promise<VerificationStatus> {
    const row = await this.d.store.byId(verificationId);
    if (row?.status !== 'pending' || row.channel !== 'silent') return (row?.status ?? 'failed') as VerificationStatus;
    if (outcome === 'verified_online' || outcome === 'verified_offline') return (await this.conclude(row, 'approved')) ? 'approved' : 'pending';
    return this.fallThrough(row, silentFailure(outcome));
  }

  /**
   * The device opened its check-in URL over mobile data: its source address is the one to ask the
   * network about. Answers the status after that, or where the operator wants the device next.
   */
  async silentCheckIn(token: string, device: { ip: string; port: number | undefined }): Promise<{ verificationId: string; status: VerificationStatus; redirect?: string | undefined }> {
    const { d } = this;
    let id: string;
    try {
      id = d.sealer.open(token, 'silent-check-in');
    } catch {
      throw new AppError('INVALID_CALLBACK', 'the check-in link is not valid');
    }
    const row = await d.store.byId(id);
    const now = d.clock.now();
    if (row?.status !== 'pending' || row.channel !== 'silent' || row.expires_at <= now) return { verificationId: id, status: row ? effectiveStatus(row, now) : 'expired' };
    const data = parseChannelData(row.channel_data);
    // One check-in per step: a replayed link cannot swap the device for another.
    if (data.device) return { verificationId: id, status: 'pending', redirect: this.operatorRedirect(data.redirect) };
    const updated = { ...row, channel_data: channelDataJson({ ...data, device: { ...device, at: now } }) };
    await d.store.setChannelData(id, updated.channel_data ?? '{}', now);
    const status = await this.runSilent(updated);
    return { verificationId: id, status, redirect: status === 'pending' ? this.operatorRedirect(parseChannelData((await d.store.byId(id))?.channel_data ?? null).redirect) : undefined };
  }

  /** Where an operator sends the device next (CAMARA); never the check-in link itself. */
  private operatorRedirect(url: string | undefined): string | undefined {
    return url && !url.startsWith(this.d.silentCheckInUrl('')) ? url : undefined;
  }

  private async runSilent(row: VerificationRow): Promise<VerificationStatus> {
    const data = parseChannelData(row.channel_data);
    if (!data.device) {
      // The app could not say where the device is: the device itself checks in over its mobile data.
      // The sealed id is URL-safe as it is, and short enough for one path segment.
      const token = this.d.sealer.seal(row.id, 'silent-check-in');
      await this.d.store.setChannelData(row.id, channelDataJson({ ...data, redirect: this.d.silentCheckInUrl(token) }) ?? '{}', this.d.clock.now());
      return 'pending';
    }
    const result = await this.d.silent.resolve({ verificationId: row.id, accountId: row.account_id, msisdn: row.to, device: data.device }).catch((): SilentResult => ({ outcome: 'error' }));
    if ('redirect' in result) {
      await this.d.store.setChannelData(row.id, channelDataJson({ ...data, redirect: result.redirect }) ?? '{}', this.d.clock.now());
      return 'pending';
    }
    return this.silentAnswer(row.id, result.outcome);
  }

  /** The flash call's code and caller id: the code fills the pool pattern's wildcards, or is a full number's last digits. */
  private async flashCode(accountId: string, to: Recipient, asked: string | undefined, magic: boolean, length: number): Promise<{ code: string; cli: string }> {
    const entry = await this.poolNumber(accountId, 'flash_call', to);
    const fixed = flashCodeOf(entry, Math.min(6, Math.max(4, length)));
    if (fixed) return { code: fixed, cli: entry };
    const n = flashCodeLength(entry);
    if (asked !== undefined && asked.length !== n && !magic) throw new AppError('INVALID_CODE_FORMAT', `flash call codes have ${n} digits here`);
    const code = asked?.length === n ? asked : generateCode(n);
    return { code, cli: flashCli(entry, code) };
  }

  private async poolNumber(accountId: string, purpose: 'reverse_call' | 'flash_call', to: Recipient): Promise<string> {
    const n = await this.d.pools.pick(accountId, purpose, to);
    if (!n) throw new AppError('NO_POOL_NUMBER', `no ${purpose === 'reverse_call' ? 'inbound number' : 'flash-call caller id'} is configured for this destination`);
    return n;
  }

  private async checkSounds(accountId: string, ivr: IvrPrompts): Promise<void> {
    for (const id of [ivr.greeting_sound, ivr.confirm_sound, ivr.fallback_sound]) {
      if (id && !(await this.d.sounds.exists(accountId, id))) throw new AppError('SOUND_NOT_FOUND', `no sound ${id}`);
    }
  }

  /** Moves every verification whose current step timed out to its next step. */
  async sweepSteps(): Promise<number> {
    let moved = 0;
    const now = this.d.clock.now();
    for (const row of await this.d.store.dueSteps(now)) {
      const outcome = await this.nextStep(row, 'timeout');
      if (outcome === 'moved') moved += 1;
      // No later step can start: the code already sent stays good until it expires, and the
      // stepper stops coming back for it every second.
      else if (outcome === 'nowhere') await this.d.store.stopStepClock(row.id, row.step, now);
    }
    return moved;
  }

  /**
   * Starts the first step after `row.step` that can start, with the same code, unless somebody
   * moved the verification first. A step refused before anything is sent (no provider for its
   * channel, a balance that cannot cover it) is skipped. Returns whether it moved.
   */
  private async advance(row: VerificationRow, why: 'failed' | 'timeout'): Promise<boolean> {
    return (await this.nextStep(row, why)) === 'moved';
  }

  /**
   * What `advance` does, and why it did not move: somebody else moved it first (`raced`), no
   * later step can start (`nowhere`), or an error a later try may not meet (`failed`).
   */
  private async nextStep(row: VerificationRow, why: 'failed' | 'timeout'): Promise<'moved' | 'raced' | 'nowhere' | 'failed'> {
    const { d } = this;
    const steps = parseWorkflow(row.workflow);
    const now = d.clock.now();
    if (!steps || row.status !== 'pending' || row.expires_at <= now || !row.code_sealed) return 'nowhere';
    const code = d.sealer.open(row.code_sealed, row.id);
    const settings = await d.settings.resolveOrDefault(row.account_id, row.service_id);
    for (let next = row.step + 1; next < steps.length; next++) {
      const step = steps[next] as WorkflowStep;
      try {
        const template = await this.templateFor(row.account_id, null, step.channel, row.locale as Locale, false);
        await this.send(
          row,
          step.channel,
          template,
          settings,
          code,
          async (trx) => {
            if (!(await d.store.moveStep(trx, row.id, row.step, next, step.channel, stepDeadline(steps, next, now), now))) throw LOST_RACE;
          },
          next,
        );
        return 'moved';
      } catch (err) {
        if (err === LOST_RACE) return 'raced';
        const refused = err instanceof AppError;
        d.log?.warn(
          { verification_id: row.id, after: why, step: next, channel: step.channel, err: refused ? err.code : 'ERROR' },
          refused ? 'workflow step refused, trying the next' : 'workflow step could not start',
        );
        // Anything but a refusal (a database error) may pass: the stepper comes back for it.
        if (!refused) return 'failed';
      }
    }
    return 'nowhere';
  }

  /** A message that cannot arrive ends its verification (once, whoever gets there first). */
  private async deliveryFailed(verificationId: string, channel: string, failure: Failure): Promise<boolean> {
    const now = this.d.clock.now();
    if (!(await this.d.store.finish(verificationId, 'failed', now, { failure }))) return false;
    this.d.events.failed(channel);
    const row = await this.d.store.byId(verificationId);
    if (row) this.notify('verification.failed', row, { reason: legacyReason(failure.reason) });
    return true;
  }

  private notify(type: WebhookEventType, row: VerificationRow, extra: Record<string, unknown> = {}): void {
    const { sink } = this.d;
    if (!sink) return;
    // The view is built only when a listener reads it, from the row as it is now.
    const snapshot = { ...row };
    const now = this.d.clock.now();
    let data: Record<string, unknown> | undefined;
    sink.emit({
      type,
      accountId: row.account_id,
      serviceId: row.service_id,
      get data() {
        data ??= { ...toView(snapshot, now), ...extra };
        return data;
      },
    });
  }

  private notifyMessage(type: WebhookEventType, row: VerificationRow, message: Record<string, unknown>): void {
    this.d.sink?.emit({ type, accountId: row.account_id, serviceId: row.service_id, data: message });
  }

  /** A message given with the request, checked like a stored template; email only. */
  private inlineTemplate(channel: Channel, content: { subject?: string | undefined; body: string }, locale: Locale): MessageTemplate {
    if (channel !== 'email') throw new AppError('INVALID_TEMPLATE', 'only an email can bring its own text');
    const tpl: MessageTemplate = { body: content.body, subject: content.subject ?? builtinTemplate('email', locale).subject };
    const problems = validateTemplate('email', tpl);
    if (problems.length > 0) throw new AppError('INVALID_TEMPLATE', problems.join('; '));
    return tpl;
  }

  /** The step's message template; null for the channels that send no templated message. */
  private async templateFor(accountId: string, templateId: string | null | undefined, step: Channel, locale: Locale, strict: boolean): Promise<MessageTemplate | null> {
    if (!(MESSAGE_CHANNELS as readonly string[]).includes(step)) {
      if (templateId && strict) throw new AppError('INVALID_TEMPLATE', `${step} does not use a message template`);
      return null;
    }
    const channel = step as MessageChannel;
    if (!templateId) return builtinTemplate(channel, locale);
    const t = await this.d.templates.get(accountId, templateId);
    if (!t) {
      if (strict) throw new AppError('TEMPLATE_NOT_FOUND', `no template ${templateId}`);
      return builtinTemplate(channel, locale);
    }
    if (t.channel !== channel) {
      if (strict) throw new AppError('INVALID_TEMPLATE', `template ${templateId} is for ${t.channel}, not ${channel}`);
      return builtinTemplate(channel, locale);
    }
    const tpl: MessageTemplate = { body: t.body, ...(t.subject ? { subject: t.subject } : {}), ...(t.html ? { html: t.html } : {}) };
    return validateTemplate(channel, tpl).length === 0 ? tpl : builtinTemplate(channel, locale);
  }

  private async enforce(limiter: Limiter, key: string, code: 'RATE_LIMITED' | 'DESTINATION_RATE_LIMITED', detail: string): Promise<void> {
    const r = await limiter.consume(key);
    if (!r.allowed) throw limited(code, r, detail);
  }

  private async load(accountId: string, id: string): Promise<VerificationRow> {
    const row = await this.d.store.get(accountId, id);
    // Another account's id looks exactly like one that does not exist.
    if (!row) throw new AppError('VERIFICATION_NOT_FOUND', `no verification ${id}`);
    return row;
  }

  private async assertPending(row: VerificationRow, now: number): Promise<void> {
    const status = await this.settle(row, now);
    if (status !== 'pending') throw finishedError(row.id, status);
  }

  /** The row's status now; a pending row past its expiry is recorded as expired on the way. */
  private async settle(row: VerificationRow, now: number): Promise<VerificationStatus> {
    const status = effectiveStatus(row, now);
    if (status === 'expired' && row.status === 'pending' && (await this.d.store.finish(row.id, 'expired', now, { expiredOnly: true }))) {
      this.notify('verification.expired', { ...row, status: 'expired', code_sealed: null, failure_reason: 'expired', updated_at: now });
    }
    return status;
  }

  /** The error for a request that could not act: re-reads the row and answers its current state. */
  private async stateError(accountId: string, id: string): Promise<AppError> {
    const row = await this.load(accountId, id);
    const status = await this.settle(row, this.d.clock.now());
    if (status === 'pending') {
      if (row.attempts >= row.max_attempts) return finishedError(id, 'max_attempts');
      if (row.sends >= row.max_sends) return new AppError('MAX_SENDS_REACHED');
      return new AppError('RESEND_COOLDOWN', 'wait before sending the code again', {}, row.resend_cooldown_s);
    }
    return finishedError(id, status);
  }
}
