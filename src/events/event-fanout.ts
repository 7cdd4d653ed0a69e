import type { EventSink, WebhookEvent } from './webhook-events.js';

/**
 * Verification and message events, for the account's webhooks and the vendor APIs that push
 * results (Zadarma's NOTIFY_END, SMSC's handler callback), in the order they subscribed.
 */
export class EventFanout implements EventSink {
  private readonly listeners: Array<(e: WebhookEvent) => void> = [];

  emit(event: WebhookEvent): void {
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: (e: WebhookEvent) => void): void {
    this.listeners.push(listener);
  }
}
