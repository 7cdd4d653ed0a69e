import type { MessageProvider, ProviderCapabilities, ProviderDefinition } from '../delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../kernel/message.js';
import { ProviderError } from '../kernel/provider-errors.js';
import type { CallProvider, CallProviderDefinition } from './call-provider.js';
import type { Channel } from '../kernel/channel.js';

/**
 * A telephony adapter seen by the delivery path: the outbox queues a call like a message (same
 * routing, retries, breakers and attempt log), and this places it with the plan the message
 * carries. The message id is the call's id, which the vendor echoes in its callbacks.
 */
export class CallChannelProvider implements MessageProvider {
  readonly name: string;
  readonly type: string;
  readonly billable = true;
  readonly capabilities: ProviderCapabilities;

  constructor(readonly calls: CallProvider) {
    this.name = calls.name;
    this.type = calls.type;
    const channels: Channel[] = calls.capabilities.customCallerId ? ['voice', 'ivr', 'flash_call'] : ['voice', 'ivr'];
    this.capabilities = { channels, countries: calls.capabilities.countries, unicode: true };
  }

  async send(m: OutboundMessage): Promise<SendReceipt> {
    if (!m.call) throw new ProviderError('NOT_A_CALL', `a ${m.channel} message cannot be delivered by a call`);
    const { providerCallId } = await this.calls.placeCall({
      id: m.id,
      accountId: m.accountId,
      verificationId: m.verificationId,
      to: m.to,
      from: m.call.from,
      script: m.call.script,
      ringTimeoutS: m.call.ringTimeoutS,
    });
    return { providerMessageId: providerCallId, status: 'sent' };
  }

  close(): Promise<void> {
    return this.calls.close?.() ?? Promise.resolve();
  }
}

/** Lets PROVIDERS and the providers API name a telephony adapter like any message provider. */
export function callChannelDefinition<O>(def: CallProviderDefinition<O>): ProviderDefinition<O> {
  return { type: def.type, options: def.options, secrets: def.secrets, addresses: (options) => def.addresses(options), create: (options, ctx) => new CallChannelProvider(def.create(options, ctx)) };
}

/** The telephony adapter behind a provider, when it is one. */
export function callProviderOf(p: MessageProvider): CallProvider | undefined {
  return p instanceof CallChannelProvider ? p.calls : undefined;
}
