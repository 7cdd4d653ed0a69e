import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Channel } from '../verifications/recipient.js';

export interface OutboundMessage {
  id: string;
  accountId: string;
  verificationId: string;
  channel: Channel;
  to: string;
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  code: string;
  sender: string | null;
}

export type DeliveryOutcome = 'sent' | 'delivered' | 'undeliverable';

export interface SendReceipt {
  providerMessageId: string;
  status: DeliveryOutcome;
}

/** A provider's refusal; the delivery path decides on `retryable`, never on the message text. */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface MessageProvider {
  readonly name: string;
  /** Whether sends through this provider are charged to the account. */
  readonly billable: boolean;
  readonly channels: readonly Channel[];
  send(message: OutboundMessage): Promise<SendReceipt>;
  /**
   * Set by providers whose delivery is itself a database write (the sandbox): the message is
   * delivered in the same transaction that creates it, so it can never be lost or doubled.
   */
  sendInTransaction?(trx: Transaction<Database>, message: OutboundMessage): Promise<SendReceipt>;
}

/** Picks the provider for a message. Routing rules arrive with real providers; today one serves all. */
export class ProviderRegistry {
  constructor(private readonly providers: readonly MessageProvider[]) {
    if (providers.length === 0) throw new Error('at least one provider is required');
  }

  pick(channel: Channel): MessageProvider {
    return this.providers.find((p) => p.channels.includes(channel)) ?? (this.providers[0] as MessageProvider);
  }
}
