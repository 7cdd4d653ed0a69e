import type { EventSink, WebhookEvent } from './webhook-events.js';

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
