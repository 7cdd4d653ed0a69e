import type { MagicDestination } from '../config/config.js';
import type { DeliveryListener } from '../delivery/outbox-worker.js';
import { AppError } from '../errors/index.js';
import { newId } from '../lib/ids.js';
import { type Locale, resolveLocale } from '../templates/index.js';
import { Admission } from './admission.js';
import { channelDataJson, parseChannelData } from './channel-data.js';
import { judgeCode } from './check-verdict.js';
import { CODE_PATTERN, generateCode } from './code.js';
import { VerificationDeliveryListener } from './delivery-listener.js';
import type { FailureReason } from './failure-reason.js';
import { MessagePlanner } from './message-planner.js';
import { limited } from './rate-limits.js';
import { type Channel, channelFits } from '../kernel/channel.js';
import { normalizeRecipient } from './recipient.js';
import { SilentStep } from './silent-step.js';
import { finishedError } from './state-errors.js';
import type { CallerContext, StartInput, VerificationServiceDeps } from './verification-deps.js';
import { VerificationOutcomes } from './verification-outcomes.js';
import type { VerificationRow } from './verification-store.js';
import { timeline } from './timeline.js';
import { toView, type VerificationStatus, type VerificationView } from './view.js';
import { checkSteps, parseWorkflow, plannedSteps, stepDeadline, type WorkflowStep } from '../services/workflow.js';
import { WorkflowStepper } from './workflow-stepper.js';

export type { CallerContext, NumberPicker, StartInput, VerificationLimiters, VerificationServiceDeps } from './verification-deps.js';
export type { VerificationEvents } from './verification-outcomes.js';

/** A caller id as an app reads it (`+44 20 7946-0123`), accepted by check for flash calls. */
const CALLER_ID = /^\+?[0-9][0-9 ()-]{3,30}$/;

export interface CheckResult extends VerificationView {
  valid: boolean;
}

/**
 * The verification rules: issue, re-send, check, cancel. No HTTP and no SQL here. What a step
 * sends, how a workflow moves on, a silent step and the delivery worker's news each live in their
 * own part; this class builds them and answers for all of them.
 */
export class VerificationService {
  private readonly magic: Map<string, MagicDestination>;
  private readonly outcomes: VerificationOutcomes;
  private readonly planner: MessagePlanner;
  private readonly stepper: WorkflowStepper;
  private readonly silentStep: SilentStep;
  private readonly admission: Admission;
  /** What the delivery worker tells about a verification's messages. */
  readonly delivery: DeliveryListener;

  constructor(private readonly d: VerificationServiceDeps) {
    this.magic = new Map(d.magic.map((m) => [m.to, m]));
    this.outcomes = new VerificationOutcomes(d);
    this.admission = new Admission(d);
    // A send may start the next step or ask the network, and those send again: the planner gets
    // them through an interface bound here, so no part imports another that imports it back.
    this.planner = new MessagePlanner(d, this.outcomes, { advance: (row, why) => this.stepper.advance(row, why), runSilent: (row) => this.silentStep.runSilent(row) });
    this.stepper = new WorkflowStepper(d, this.planner, this.outcomes);
    this.silentStep = new SilentStep(d, this.outcomes, this.stepper);
    this.delivery = new VerificationDeliveryListener(d, this.outcomes, this.stepper);
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
    const template = input.content ? this.planner.inlineTemplate(channel, input.content, locale) : await this.planner.templateFor(ctx.accountId, input.template, channel, locale, true);
    const uses = (c: Channel) => steps.some((s) => s.channel === c);
    let code = magic?.code ?? input.code;
    let cli: string | undefined;
    if (uses('flash_call')) ({ code, cli } = await this.planner.flashCode(ctx.accountId, recipient, code, magic !== undefined, input.codeLength ?? settings.codeLength));
    code ??= generateCode(input.codeLength ?? settings.codeLength);
    const callNumber = uses('reverse_call') ? await this.planner.poolNumber(ctx.accountId, 'reverse_call', recipient) : null;
    if (input.ivr) await this.planner.checkSounds(ctx.accountId, input.ivr);

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
      provider: null,
      created_at: now,
      updated_at: now,
    };
    row.channel_data = channelDataJson({
      device: uses('silent') && input.device ? { ip: input.device.ip, port: input.device.port, at: input.device.at ?? now } : undefined,
      ivr: input.ivr,
      flash_cli: cli ? d.sealer.seal(cli, id) : undefined,
    });
    const judged = await this.admission.start(ctx, row, steps, recipient, magic !== undefined, input.device?.ip ?? ctx.ip);
    row.status = await this.planner.send(row, channel, template, settings, code, async (trx) => {
      await d.store.insert(trx, row);
      await d.timeline.append(trx, [timeline.started(row, steps, this.admission.summary(judged))]);
      await this.admission.written(trx, judged, id);
    });
    d.events.started(channel);
    this.outcomes.notify('verification.started', row);
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
    const verdict = await judgeCode(d, ctx.accountId, id, code, now, ctx.ip);
    if (!verdict) throw await this.stateError(ctx.accountId, id);
    const { row } = verdict;
    switch (verdict.kind) {
      case 'refused':
        throw limited('GUESS_LIMIT_REACHED', { retryAfterMs: verdict.retryAfterMs }, 'too many wrong codes for this destination; try again later');
      case 'approved': {
        const approved = { ...row, status: 'approved', code_sealed: null, updated_at: now };
        this.outcomes.ended(approved);
        return { ...toView(approved, now), valid: true };
      }
      case 'wrong': {
        if (verdict.status === 'pending') return { ...toView(row, now), valid: false };
        const ended = { ...row, status: verdict.status, code_sealed: null, failure_reason: verdict.reason, updated_at: now };
        this.outcomes.ended(ended);
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
    const judged = await this.admission.resend(ctx, row, target, this.magic.has(row.to));
    if (row.sends >= row.max_sends) throw new AppError('MAX_SENDS_REACHED', `at most ${row.max_sends} sends per verification`);
    const nextAt = row.last_sent_at + row.resend_cooldown_s * 1000;
    if (now < nextAt) throw new AppError('RESEND_COOLDOWN', 'wait before sending the code again', { next_send_at: new Date(nextAt).toISOString() }, Math.ceil((nextAt - now) / 1000));

    if (!row.code_sealed) throw await this.stateError(ctx.accountId, id);
    const code = d.sealer.open(row.code_sealed, id);
    const template = await this.planner.templateFor(ctx.accountId, target === row.channel ? row.template_id : null, target, row.locale as Locale, false);
    // A resend on a later step's channel jumps the workflow to that step.
    const steps = parseWorkflow(row.workflow);
    const found = steps ? steps.findIndex((s, i) => i > row.step && s.channel === target) : -1;
    const jump = found > 0 ? { index: found, deadline: stepDeadline(steps, found, now) } : undefined;
    let lostRace = false;
    try {
      const status = await this.planner.send(
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
          await d.timeline.append(trx, [timeline.resend(id, target, this.admission.summary(judged))]);
          await this.admission.written(trx, judged, id);
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
    if (!(await this.d.store.finish(id, 'canceled', now, { failure: { reason: 'canceled' } }, this.outcomes.logEnded([id], 'canceled')))) throw await this.stateError(accountId, id);
    const canceled = { ...row, status: 'canceled', code_sealed: null, failure_reason: 'canceled', updated_at: now };
    this.outcomes.notify('verification.canceled', canceled);
    return toView(canceled, now);
  }

  /** Ends expired verifications and drops their sealed codes; reads never depend on it. */
  async sweep(): Promise<number> {
    const now = this.d.clock.now();
    const expired = await this.d.store.sweepExpired(now, (trx, ids) => this.outcomes.logEnded(ids, 'expired')(trx));
    for (const row of expired) this.outcomes.notify('verification.expired', row);
    await this.d.store.sweepWrongGuesses(now - Math.max(0, this.d.guessBudget.durationSec) * 1000);
    return expired.length;
  }

  /** Approves a pending verification on an event from outside (a key pressed, a call received); true only for the caller that approved it. */
  approve(id: string): Promise<boolean> {
    return this.outcomes.approve(id);
  }

  /** Ends a pending verification as failed on an event from outside; true only for the caller that ended it. */
  fail(id: string, reason: FailureReason): Promise<boolean> {
    return this.outcomes.fail(id, reason);
  }

  /** Approves every reverse-call verification of `from` waiting for a call to `to`; the ids it approved. */
  async inboundCall(from: string, to: string, account?: string): Promise<string[]> {
    const approved: string[] = [];
    for (const row of await this.d.store.awaitingCall(from, to, this.d.clock.now())) {
      if ((account === undefined || row.account_id === account) && (await this.approve(row.id))) approved.push(row.id);
    }
    return approved;
  }

  /** Moves every verification whose current step timed out to its next step. */
  sweepSteps(): Promise<number> {
    return this.stepper.sweepSteps();
  }

  silentAnswer(verificationId: string, outcome: string): Promise<VerificationStatus> {
    return this.silentStep.silentAnswer(verificationId, outcome);
  }

  silentCheckIn(token: string, device: { ip: string; port: number | undefined }): ReturnType<SilentStep['silentCheckIn']> {
    return this.silentStep.silentCheckIn(token, device);
  }

  private async load(accountId: string, id: string): Promise<VerificationRow> {
    const row = await this.d.store.get(accountId, id);
    // Another account's id looks exactly like one that does not exist.
    if (!row) throw new AppError('VERIFICATION_NOT_FOUND', `no verification ${id}`);
    return row;
  }

  private async assertPending(row: VerificationRow, now: number): Promise<void> {
    const status = await this.outcomes.settle(row, now);
    if (status !== 'pending') throw finishedError(row.id, status);
  }

  /** The error for a request that could not act: re-reads the row and answers its current state. */
  private async stateError(accountId: string, id: string): Promise<AppError> {
    const row = await this.load(accountId, id);
    const status = await this.outcomes.settle(row, this.d.clock.now());
    if (status === 'pending') {
      if (row.attempts >= row.max_attempts) return finishedError(id, 'max_attempts');
      if (row.sends >= row.max_sends) return new AppError('MAX_SENDS_REACHED');
      return new AppError('RESEND_COOLDOWN', 'wait before sending the code again', {}, row.resend_cooldown_s);
    }
    return finishedError(id, status);
  }
}
