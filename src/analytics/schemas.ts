import { Type } from 'typebox';
import { Timestamp } from '../http/schemas.js';
import { GROUPS } from './analytics-service.js';
import { providerAnalyticsExample, verificationAnalyticsExample } from './examples.js';

const Range = {
  account: Type.Optional(Type.String({ pattern: '^acc_[A-Za-z0-9]{1,64}$', description: 'Another account (operator keys only)' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of the range, rounded down to its hour or day (default: 30 days, or 24 hours for interval=hour, before `to`)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the range, rounded up to its hour or day (default: now)' })),
  channel: Type.Optional(Type.String({ pattern: '^[a-z_]{2,20}$' })),
  provider: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' })),
};

export const VerificationAnalyticsQuery = Type.Object(
  {
    ...Range,
    interval: Type.Optional(Type.Enum(['hour', 'day'], { description: 'A row per hour or day; without it, one row per group over the whole range (days)' })),
    group_by: Type.Optional(Type.String({ pattern: `^(?:${GROUPS.join('|')})(?:,(?:${GROUPS.join('|')}))*$`, description: `Comma-separated: ${GROUPS.join(', ')}` })),
    service: Type.Optional(Type.String({ pattern: '^svc_[A-Za-z0-9]{1,64}$' })),
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2' })),
  },
  { additionalProperties: false },
);

export const ProviderAnalyticsQuery = Type.Object(
  { ...Range, interval: Type.Optional(Type.Enum(['hour', 'day'], { description: 'The rollups read: hours for ranges shorter than a day' })) },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
const NullableCount = Type.Union([Count, Type.Null()]);
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const Seconds = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const Label = Type.Union([Type.String(), Type.Null()]);

const Measures = {
  started: Type.Integer({ minimum: 0, description: 'Verifications started in the period (with outcome: those that ended so)' }),
  sent: Type.Union([Count, Type.Null()], { description: 'Messages a provider took' }),
  delivered: Type.Union([Count, Type.Null()], { description: 'Messages a provider reported delivered' }),
  approved: Count,
  failed: Count,
  expired: Count,
  canceled: Count,
  pending: Type.Integer({ minimum: 0, description: 'Started and not yet ended' }),
  conversion_rate: Type.Union([Rate], { description: 'approved ÷ started' }),
  time_to_approve_p50_s: Type.Union([Seconds], { description: 'Median seconds from start to approval (estimated from a histogram)' }),
  time_to_approve_p90_s: Seconds,
  spend_micros: Type.Union([NullableCount], { description: 'Price-book spend on the messages, in millionths of the account currency' }),
};

export const VerificationAnalytics = Type.Object(
  {
    account: Type.String(),
    from: Timestamp,
    to: Timestamp,
    interval: Type.Union([Type.Enum(['hour', 'day']), Type.Null()]),
    group_by: Type.Array(Type.Enum([...GROUPS])),
    currency: Type.String(),
    totals: Type.Object(Measures),
    data: Type.Array(
      Type.Object({
        period: Type.Optional(Timestamp),
        channel: Type.Optional(Label),
        country: Type.Optional(Label),
        service: Type.Optional(Label),
        provider: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Where the first message was routed (null: none was)' })),
        outcome: Type.Optional(Type.Enum(['approved', 'failed', 'expired', 'canceled', 'pending'])),
        ...Measures,
      }),
    ),
  },
  { examples: [verificationAnalyticsExample] },
);

export const ProviderAnalytics = Type.Object(
  {
    account: Type.String(),
    from: Timestamp,
    to: Timestamp,
    providers: Type.Array(
      Type.Object({
        provider: Type.String(),
        channel: Type.String(),
        attempts: Type.Integer({ minimum: 0, description: 'Hand-overs tried: sent + errors' }),
        sent: Type.Integer({ minimum: 0, description: 'Messages the provider took' }),
        delivered: Count,
        undeliverable: Count,
        errors: Type.Integer({ minimum: 0, description: 'Hand-overs the provider refused or failed' }),
        failed: Type.Integer({ minimum: 0, description: 'Messages given up after this provider answered last' }),
        receipts: Count,
        acceptance_rate: Type.Union([Rate], { description: 'sent ÷ attempts' }),
        delivery_rate: Type.Union([Rate], { description: 'delivered ÷ sent' }),
        receipt_p50_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Median time from queueing to the delivery receipt' }),
        top_errors: Type.Array(Type.Object({ code: Type.String(), count: Count }), { description: 'The five most frequent error codes' }),
      }),
    ),
  },
  { examples: [providerAnalyticsExample] },
);
