import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Channel } from '../kernel/channel.js';
import type { AdapterAddress, AddressedAdapterDefinition } from '../kernel/adapter.js';
import type { CallbackRequest, DeliveryReceipt, OutboundMessage, SendReceipt } from '../kernel/message.js';
import type { OutboundGuard } from '../outbound/outbound-guard.js';

export interface ProviderCapabilities {
  channels: readonly Channel[];
  /** Country calling codes served (`['55', '7']`); absent: every country. */
  countries?: readonly string[] | undefined;
  /** The longest text, in characters, the provider accepts (after its own splitting); absent: no limit. */
  maxLength?: number | undefined;
  /** Whether text outside the GSM 03.38 alphabet (Cyrillic, emoji, …) can be sent. */
  unicode: boolean;
}

export interface MessageProvider {
  /** The instance name from config (`smpp-main`), unique; shows in attempts and routes. */
  readonly name: string;
  /** The adapter kind (`smpp`, `smtp`, `http`, `twilio`, `vonage`, `whatsapp`, `sandbox`). */
  readonly type: string;
  /** Whether sends through this provider are charged to the account. */
  readonly billable: boolean;
  readonly capabilities: ProviderCapabilities;
  /** Hands the message over; throws ProviderError (with `retryable`) when the provider refuses it. */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /**
   * Set by providers whose delivery is itself a database write (the sandbox): the message is
   * delivered in the same transaction that creates it, so it can never be lost or doubled.
   */
  sendInTransaction?(trx: Transaction<Database>, message: OutboundMessage): Promise<SendReceipt>;
  /**
   * Parses a status callback; throws ProviderError('BAD_SIGNATURE', …, false) when the request
   * does not carry the vendor's valid signature. Providers without callbacks leave it out.
   */
  parseCallback?(req: CallbackRequest): DeliveryReceipt[] | Promise<DeliveryReceipt[]>;
  /**
   * Answers a vendor's subscription handshake (WhatsApp's GET with hub.challenge): the text to
   * echo, or undefined when the request is not one or its verify token is wrong.
   */
  answerChallenge?(req: CallbackRequest): string | undefined;
  /** Releases connections (SMPP binds, SMTP pools). */
  close?(): Promise<void>;
}

/** What a provider factory gets besides its own options. */
export interface ProviderContext {
  name: string;
  log: Logger;
  clock: Clock;
  /** Receipts that arrive on the provider's own connection (SMPP deliver_sm) go here. */
  onReceipt: (receipt: DeliveryReceipt) => void;
  /** The URL this provider's status callbacks must be sent to (`…/v1/providers/{name or id}/callback`). */
  callbackUrl: string;
  /**
   * How the provider reaches the network: every connection it opens goes through this guard (the
   * account switch for an account's providers, the operator's for PROVIDERS).
   */
  outbound: OutboundGuard;
}

/** A host one option makes the provider connect to (an SMTP `host`, the host of `baseUrl`). */
export type ProviderAddress = AdapterAddress;

/**
 * One adapter kind: the TypeBox schema of its options (validated at boot and on the API), which
 * option keys are secrets (write-only on the API, sealed at rest), the hosts its options make it
 * connect to (checked by the outbound guard when an account saves the provider), and the factory.
 */
export type ProviderDefinition<O = Record<string, unknown>> = AddressedAdapterDefinition<O, MessageProvider, ProviderContext>;
