import type { Logger } from 'pino';
import type { AccountStore } from '../accounts/account-store.js';
import type { Clock } from '../lib/clock.js';
import type { SoundStore } from '../sounds/index.js';
import type { VerificationService } from '../verifications/verification-service.js';
import type { EventSink, WebhookEvent } from '../webhooks/webhook-events.js';
import type { VendorCredentials } from './credentials/vendor-credentials.js';

/**
 * Verification and message events, for the vendor APIs that push results (Zadarma's NOTIFY_END,
 * SMSC's handler callback) besides the account's own webhooks.
 */
export class EventFanout implements EventSink {
  private readonly listeners: Array<(e: WebhookEvent) => void> = [];

  constructor(private readonly first: EventSink) {}

  emit(event: WebhookEvent): void {
    this.first.emit(event);
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: (e: WebhookEvent) => void): void {
    this.listeners.push(listener);
  }
}

/** What a vendor's routes translate onto: Verity's own services, nothing of their own. */
export interface CompatDeps {
  credentials: VendorCredentials;
  verifications: VerificationService;
  accounts: AccountStore;
  sounds: SoundStore;
  events: Pick<EventFanout, 'subscribe'>;
  clock: Clock;
  log: Logger;
}
