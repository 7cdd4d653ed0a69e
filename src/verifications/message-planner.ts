import type { TimelineEvent } from '../events/event-log.js';
import type { IvrPrompts } from '../calls/call-script.js';
import type { MessagePayload } from '../delivery/outbox-worker.js';
import type { MessageProvider } from '../delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../kernel/message.js';
import { AppError } from '../errors/index.js';
import { newId } from '../lib/ids.js';
import { flashCli, flashCodeLength, flashCodeOf } from '../numbers/index.js';
import type { EffectiveSettings } from '../services/service-settings.js';
import { builtinTemplate, type Locale, type MessageTemplate, validateTemplate } from '../templates/index.js';
import { parseChannelData } from './channel-data.js';
import { generateCode } from './code.js';
import { enforce } from './rate-limits.js';
import { type Channel, type Recipient, sendsToDestination } from '../kernel/channel.js';
import { stepContent } from './step-content.js';
import type { VerificationServiceDeps } from './verification-deps.js';
import type { VerificationOutcomes } from './verification-outcomes.js';
import type { VerificationRow, VerificationStore } from './verification-store.js';
import type { VerificationStatus } from './view.js';

/** The state change a send is written with, inside the send's transaction. */
export type WriteUnit = (trx: Parameters<Parameters<VerificationStore['transaction']>[0]>[0]) => Promise<void>;

/** What a step that was handed off may lead to: the workflow moving on, or the network being asked. */
export interface AfterSend {
  /** Starts the next step that can start; whether it moved. */
  advance(row: VerificationRow, why: 'failed' | 'timeout'): Promise<boolean>;
  /** Asks the network about a silent step; the verification's status after. */
  runSilent(row: VerificationRow): Promise<VerificationStatus>;
}

export type MessagePlannerDeps = Pick<
  VerificationServiceDeps,
  'store' | 'templates' | 'prices' | 'routerFor' | 'sandbox' | 'outbox' | 'limiters' | 'sealer' | 'clock' | 'callTiming' | 'sounds' | 'pools' | 'timeline' | 'spend'
>;

/** What a step sends and how: its template, its code, its provider, its debit and its outbox row. */
export class MessagePlanner {
  constructor(
    private readonly d: MessagePlannerDeps,
    private readonly outcomes: VerificationOutcomes,
    private readonly after: AfterSend,
  ) {}

  /**
   * Writes the message in the same transaction as the state change (`write`) and the debit,
   * then hands it to the provider. Returns the verification's status after the hand-off.
   */
  async send(row: VerificationRow, channel: Channel, template: MessageTemplate | null, settings: EffectiveSettings, code: string, write: WriteUnit, step = row.step): Promise<VerificationStatus> {
    const { d } = this;
    // Nothing goes out for these: the user calls us, or the network answers.
    if (!sendsToDestination(channel)) {
      await d.store.transaction(write);
      return channel === 'silent' ? this.after.runSilent({ ...row, step, channel }) : 'pending';
    }
    // Only a step that sends counts against the destination's send limit (magic test
    // destinations have none), and gets its point back if nothing was sent after all.
    const destKey = `${row.account_id}:${row.to}`;
    if (!row.magic) await enforce(d.limiters.sendPerDestination, destKey, 'DESTINATION_RATE_LIMITED', 'too many messages to this destination; try later');
    const { receipt, provider, messageId } = await this.queue(row, channel, template, settings, code, write, step).catch(async (err: unknown) => {
      if (!row.magic) await d.limiters.sendPerDestination.reward(destKey);
      throw err;
    });
    if (!receipt) {
      d.outbox.wake();
      return 'pending';
    }
    const sent = { id: messageId, verification_id: row.id, channel, to: row.to, status: receipt.status, provider: provider.name, provider_message_id: receipt.providerMessageId, error: null };
    this.outcomes.notifyMessage(receipt.status === 'delivered' ? 'message.delivered' : receipt.status === 'sent' ? 'message.sent' : 'message.failed', row, sent);
    if (receipt.status !== 'undeliverable') return 'pending';
    if (await this.after.advance({ ...row, step, channel }, 'failed')) return ((await d.store.byId(row.id))?.status ?? 'pending') as VerificationStatus;
    return (await this.outcomes.fail(row.id, 'undeliverable', channel)) ? 'failed' : 'pending';
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
    write: WriteUnit,
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
    // A start's `write` inserts this row: it keeps the provider its first message goes to (analytics).
    // Later sends change nothing, as their `write` does not insert the row.
    row.provider ??= provider.name;
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
    const charge = price > 0 && d.spend ? await d.spend.prepare(row.account_id, row.country, price) : undefined;
    await d.store.transaction(async (trx) => {
      if (price > 0 && !(await d.prices.debit(trx, row.account_id, price))) {
        throw new AppError('INSUFFICIENT_BALANCE', 'the account balance does not cover this send');
      }
      if (charge) await charge(trx);
      await write(trx);
      // A local provider delivers inside this transaction; any other gets the message after commit.
      if (provider.sendInTransaction) receipt = await provider.sendInTransaction(trx, outbound);
      await d.outbox.enqueue(trx, {
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
      const queued = { message_id: messageId, channel, step, provider: provider.name, price_micros: price };
      const handed: TimelineEvent[] = receipt ? [{ verificationId: row.id, type: `message.${receipt.status}`, data: { message_id: messageId, channel, provider: provider.name } }] : [];
      await d.timeline.append(trx, [{ verificationId: row.id, type: 'message.queued', data: queued }, ...handed]);
    });
    return { receipt, provider, messageId };
  }

  /** The flash call's code and caller id: the code fills the pool pattern's wildcards, or is a full number's last digits. */
  async flashCode(accountId: string, to: Recipient, asked: string | undefined, magic: boolean, length: number): Promise<{ code: string; cli: string }> {
    const entry = await this.poolNumber(accountId, 'flash_call', to);
    const fixed = flashCodeOf(entry, Math.min(6, Math.max(4, length)));
    if (fixed) return { code: fixed, cli: entry };
    const n = flashCodeLength(entry);
    if (asked !== undefined && asked.length !== n && !magic) throw new AppError('INVALID_CODE_FORMAT', `flash call codes have ${n} digits here`);
    const code = asked?.length === n ? asked : generateCode(n);
    return { code, cli: flashCli(entry, code) };
  }

  async poolNumber(accountId: string, purpose: 'reverse_call' | 'flash_call', to: Recipient): Promise<string> {
    const n = await this.d.pools.pick(accountId, purpose, to);
    if (!n) throw new AppError('NO_POOL_NUMBER', `no ${purpose === 'reverse_call' ? 'inbound number' : 'flash-call caller id'} is configured for this destination`);
    return n;
  }

  async checkSounds(accountId: string, ivr: IvrPrompts): Promise<void> {
    for (const id of [ivr.greeting_sound, ivr.confirm_sound, ivr.fallback_sound]) {
      if (id && !(await this.d.sounds.exists(accountId, id))) throw new AppError('SOUND_NOT_FOUND', `no sound ${id}`);
    }
  }

  /** A message given with the request, checked like a stored template; email only. */
  inlineTemplate(channel: Channel, content: { subject?: string | undefined; body: string }, locale: Locale): MessageTemplate {
    if (channel !== 'email') throw new AppError('INVALID_TEMPLATE', 'only an email can bring its own text');
    const tpl: MessageTemplate = { body: content.body, subject: content.subject ?? builtinTemplate('email', locale).subject };
    const problems = validateTemplate('email', tpl);
    if (problems.length > 0) throw new AppError('INVALID_TEMPLATE', problems.join('; '));
    return tpl;
  }

  /** The step's message template (see TemplateService.templateFor). */
  templateFor(accountId: string, templateId: string | null | undefined, step: Channel, locale: Locale, strict: boolean): Promise<MessageTemplate | null> {
    return this.d.templates.templateFor(accountId, templateId, step, locale, strict);
  }
}
