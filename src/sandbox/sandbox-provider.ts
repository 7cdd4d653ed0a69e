import type { Transaction } from 'kysely';
import type { MagicDestination } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { MessageProvider } from '../delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../kernel/message.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { CHANNELS } from '../kernel/channel.js';
import { isCallChannel } from '../kernel/channel.js';
import type { InboxStore } from './inbox-store.js';
import type { PhoneStore } from './phone-store.js';

/** The caller id a sandbox call shows when its plan names none. */
export const SANDBOX_CALLER_ID = '+15005550000';

/**
 * Delivers nothing to the outside world: every message lands in the dev inbox, every call rings
 * the number's virtual phone, and a magic destination gets its forced outcome.
 */
export class SandboxProvider implements MessageProvider {
  readonly name = 'sandbox';
  readonly type = 'sandbox';
  readonly capabilities = { channels: CHANNELS, unicode: true };
  private readonly outcomes: Map<string, MagicDestination['outcome']>;

  constructor(
    private readonly inbox: InboxStore,
    private readonly phones: PhoneStore,
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
    const now = this.clock.now();
    // A call is delivered once the phone answers it (the virtual phone's API does that).
    const call = isCallChannel(m.channel) && m.call && outcome === 'delivered' ? m.call : undefined;
    const id = newId(call ? 'vpc' : 'sbx');
    if (call) {
      await this.phones.insert(
        {
          id,
          account_id: m.accountId,
          verification_id: m.verificationId,
          message_id: m.id,
          direction: 'outbound',
          channel: m.channel,
          from: call.from ?? SANDBOX_CALLER_ID,
          to: m.to,
          script: JSON.stringify(call.script),
          status: 'ringing',
          digits: null,
          disposition: null,
          created_at: now,
          updated_at: now,
        },
        trx,
      );
    }
    await this.inbox.insert(
      {
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
        created_at: now,
      },
      trx,
    );
    return { providerMessageId: id, status: call ? 'sent' : outcome };
  }
}
