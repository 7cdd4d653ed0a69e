import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { maskDestination } from '../lib/mask.js';
import type { VerificationStore } from '../verifications/verification-store.js';
import { ProviderError, type DeliveryOutcome, type OutboundMessage, type ProviderRegistry, type SendReceipt } from './provider.js';

export interface DeliveryListener {
  onUndeliverable(verificationId: string, channel: string): void;
}

/**
 * Hands a committed message to its provider and records the result. The message row was
 * written with the verification, so a crash between commit and send leaves a queued row to pick
 * up again rather than a lost message.
 */
export class Dispatcher {
  constructor(
    private readonly store: VerificationStore,
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly listener: DeliveryListener,
  ) {}

  /** Acts on a receipt a local provider gave inside the creating transaction. */
  async settled(verificationId: string, channel: string, receipt: SendReceipt): Promise<DeliveryOutcome> {
    if (receipt.status === 'undeliverable') await this.fail(verificationId, channel);
    return receipt.status;
  }

  /** Returns the provider's outcome, or 'failed' when the provider refused the message. */
  async dispatch(message: OutboundMessage): Promise<DeliveryOutcome | 'failed'> {
    const provider = this.providers.pick(message.channel);
    try {
      const receipt = await provider.send(message);
      await this.store.markMessage(
        message.id,
        { status: receipt.status, provider: provider.name, provider_message_id: receipt.providerMessageId, error: null },
        this.clock.now(),
      );
      if (receipt.status === 'undeliverable') await this.fail(message.verificationId, message.channel);
      return receipt.status;
    } catch (err) {
      const code = err instanceof ProviderError ? err.code : 'PROVIDER_EXCEPTION';
      this.log.warn({ message_id: message.id, to: maskDestination(message.to), provider: provider.name, code }, 'send failed');
      await this.store.markMessage(message.id, { status: 'failed', provider: provider.name, provider_message_id: null, error: code }, this.clock.now());
      await this.fail(message.verificationId, message.channel);
      return 'failed';
    }
  }

  /** A message that cannot arrive ends its verification (once, whoever gets there first). */
  private async fail(verificationId: string, channel: string): Promise<void> {
    if (await this.store.finish(verificationId, 'failed', this.clock.now())) this.listener.onUndeliverable(verificationId, channel);
  }
}
