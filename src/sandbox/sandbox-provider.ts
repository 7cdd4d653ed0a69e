import type { Transaction } from 'kysely';
import type { MagicDestination } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { MessageProvider, OutboundMessage, SendReceipt } from '../delivery/provider.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { CHANNELS } from '../verifications/recipient.js';
import type { InboxStore } from './inbox-store.js';

/**
 * Delivers nothing to the outside world: every message lands in the dev inbox, and a magic
 * destination gets its forced outcome.
 */
export class SandboxProvider implements MessageProvider {
  readonly name = 'sandbox';
  readonly type = 'sandbox';
  readonly capabilities = { channels: CHANNELS, unicode: true };
  private readonly outcomes: Map<string, MagicDestination['outcome']>;

  constructor(
    private readonly inbox: InboxStore,
    private readonly clock: Clock,
    magic: readonly MagicDestination[],
    readonly billable = false,
  ) {
    this.outcomes = new Map(magic.map((m) => [m.to, m.outcome]));
  }

  send(m: OutboundMessage): Promise<SendReceipt> {
    return this.deliver(m);
  }

  sendInTransaction(trx: Transaction<Database>, m: OutboundMessage): Promise<SendReceipt> {
    return this.deliver(m, trx);
  }

  private async deliver(m: OutboundMessage, trx?: Transaction<Database>): Promise<SendReceipt> {
    const outcome = this.outcomes.get(m.to) ?? 'delivered';
    const id = newId('sbx');
    await this.inbox.insert({
      id,
      account_id: m.accountId,
      message_id: m.id,
      verification_id: m.verificationId,
      channel: m.channel,
      to: m.to,
      text: m.text,
      subject: m.subject ?? null,
      html: m.html ?? null,
      code: m.code,
      outcome,
      created_at: this.clock.now(),
    }, trx);
    return { providerMessageId: id, status: outcome };
  }
}
