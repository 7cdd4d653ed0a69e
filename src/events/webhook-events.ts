/** The event types an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = [
  'verification.started',
  'verification.approved',
  'verification.failed',
  'verification.expired',
  'verification.canceled',
  'message.sent',
  'message.delivered',
  'message.failed',
  'spend.threshold',
  'fraud.blocked',
  'fraud.prefix_blocked',
  'fraud.prefix_unblocked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEvent {
  type: WebhookEventType;
  accountId: string;
  /** The service of the verification, so endpoints bound to one service hear only its events. */
  serviceId: string | null;
  data: Record<string, unknown>;
}

/** Where the rest of Verity reports what happened; the webhook service is the one listener. */
export interface EventSink {
  emit(event: WebhookEvent): void;
}
