import { Type } from 'typebox';
import { ChannelSchema } from '../http/schemas.js';
import {
  blocksExample,
  decisionsExample,
  fraudSettingsExample,
  fraudSettingsPutExamples,
  geoScopeExample,
  geoViewExample,
  liftedBlockExample,
  safeEntryExample,
  safeListAddExamples,
  safeListExample,
  spendExample,
} from './examples.js';

const Account = Type.Optional(Type.String({ pattern: '^acc_[A-Za-z0-9]{1,64}$', description: 'Another account (operator keys only)' }));
const Action = Type.Enum(['allow', 'block']);
// propertyNames, not a key pattern: a key the pattern does not match would be dropped unseen, not refused.
const Countries = Type.Record(Type.String(), Action, {
  propertyNames: { pattern: '^[A-Za-z]{2}$' },
  description: 'ISO 3166 alpha-2 country → allow or block',
  maxProperties: 300,
  examples: [{ NG: 'block', GB: 'allow' }],
});

export const GeoQuery = Type.Object({ account: Account }, { additionalProperties: false });

const GeoScope = Type.Object(
  {
    service: Type.Union([Type.String(), Type.Null()], { description: 'The service the rules are for; null for the whole account' }),
    channel: Type.Union([Type.String(), Type.Null()], { description: 'The channel the rules are for; null for every channel' }),
    default: Type.Union([Action, Type.Null()], { description: 'The answer for the countries this scope does not name; null: ask the next scope' }),
    countries: Countries,
  },
  { examples: [geoScopeExample] },
);

export const GeoView = Type.Object(
  {
    account: Type.String(),
    server: Type.Object({ allowed: Type.Array(Type.String()), blocked: Type.Array(Type.String()) }, { description: 'The server’s default (FRAUD_GEO_ALLOW, FRAUD_GEO_BLOCK), asked last' }),
    scopes: Type.Array(GeoScope, { description: 'The account’s rules, by scope; the most specific scope with an opinion on a country decides' }),
  },
  { examples: [geoViewExample] },
);

export const GeoPutBody = Type.Object(
  {
    account: Account,
    service: Type.Optional(Type.Union([Type.String({ pattern: '^svc_[A-Za-z0-9]{1,64}$' }), Type.Null()], { description: 'A service of the account; omitted or null: the whole account' })),
    channel: Type.Optional(Type.Union([ChannelSchema, Type.Null()], { description: 'One channel; omitted or null: every channel' })),
    default: Type.Optional(Type.Union([Action, Type.Null()], { description: 'The answer for the countries not named; omitted or null: ask the next scope' })),
    countries: Type.Optional(Countries),
  },
  { additionalProperties: false, examples: [{ channel: 'sms', default: 'block', countries: { GB: 'allow', IE: 'allow' } }, { countries: { NG: 'block' } }] },
);

export { GeoScope };

const Amount = Type.Number({ minimum: 0, maximum: 1e12, description: 'In the account’s currency' });
const NullableAmount = Type.Union([Amount, Type.Null()]);
const CountryCaps = Type.Record(Type.String(), Amount, {
  propertyNames: { pattern: '^(?:[A-Za-z]{2}|\\*)$' },
  maxProperties: 300,
  description: 'Daily cap per destination country (ISO 3166 alpha-2); "*" for every country not named',
});

const CapsFields = {
  hourly: NullableAmount,
  daily: NullableAmount,
  monthly: NullableAmount,
  country_daily: Type.Union([CountryCaps, Type.Null()]),
  soft_percent: Type.Integer({ minimum: 1, maximum: 100, description: 'The share of a cap at which `spend.threshold` is sent, once per period' }),
};

export const Caps = Type.Object(CapsFields, { description: 'Caps in the account’s currency; null: none' });

const Mode = Type.Enum(['off', 'shadow', 'enforce'], { description: 'The pumping rules: enforce refuses at the threshold, shadow only scores and counts, off does not score' });
const Threshold = Type.Integer({ minimum: 1, maximum: 100, description: 'The risk score at which a start is refused' });

export const FraudSettingsView = Type.Object(
  {
    account: Type.String(),
    currency: Type.String(),
    mode: Mode,
    threshold: Threshold,
    services: Type.Record(Type.String(), Type.Object({ mode: Type.Optional(Mode), threshold: Type.Optional(Threshold) }), {
      description: 'Services with their own mode or threshold, over the account’s',
    }),
    caps: Caps,
    server: Type.Object({ mode: Mode, threshold: Threshold, caps: Caps }, { description: 'The server’s defaults (FRAUD_MODE, FRAUD_THRESHOLD, FRAUD_SPEND_*), for what the account does not set' }),
  },
  { examples: [fraudSettingsExample] },
);

export const FraudSettingsQuery = Type.Object({ account: Account }, { additionalProperties: false });

export const FraudSettingsPut = Type.Object(
  {
    account: Account,
    service: Type.Optional(Type.String({ pattern: '^svc_[A-Za-z0-9]{1,64}$', description: 'Set this service’s own mode and threshold (null: the account’s) instead of the account’s' })),
    mode: Type.Optional(Type.Union([Mode, Type.Null()], { description: 'null: the server’s default' })),
    threshold: Type.Optional(Type.Union([Threshold, Type.Null()], { description: 'null: the server’s default' })),
    caps: Type.Optional(
      Type.Partial(Type.Object(CapsFields), {
        additionalProperties: false,
        description: 'The caps to change (others keep their value); null: back to the server’s default',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: fraudSettingsPutExamples,
  },
);

const Standing = Type.Object({ spent: Type.Number(), cap: Type.Union([Type.Number(), Type.Null()]) });

export const SpendView = Type.Object(
  {
    account: Type.String(),
    currency: Type.String(),
    soft_percent: Type.Integer(),
    periods: Type.Array(Type.Intersect([Type.Object({ period: Type.String(), start: Type.String(), end: Type.String() }), Standing])),
    day_start: Type.String(),
    countries: Type.Array(Type.Intersect([Type.Object({ country: Type.String() }), Standing]), { description: 'Today’s spend per destination country, with its cap' }),
  },
  { examples: [spendExample] },
);

export const SafeEntry = Type.Object(
  {
    entry: Type.String({ description: 'A number (E.164) or a prefix (+ and digits)' }),
    kind: Type.Enum(['number', 'prefix']),
    note: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { examples: [safeEntryExample] },
);

export const SafeListView = Type.Object({ account: Type.String(), entries: Type.Array(SafeEntry) }, { examples: [safeListExample] });

export const SafeListAdd = Type.Object(
  {
    account: Account,
    number: Type.Optional(Type.String({ minLength: 2, maxLength: 32, description: 'A phone number in international format' })),
    prefix: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{1,15}$', description: 'A prefix of numbers: + and up to 15 digits' })),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, examples: safeListAddExamples },
);

export const SafeListEntryParams = Type.Object({ entry: Type.String({ pattern: '^\\+?[0-9]{1,15}$', description: 'The number or prefix as listed (+ may be left out or sent as %2B)' }) });

const Signal = Type.Object({
  signal: Type.String({ description: 'number_type, sequential, conversion, volume, new_country, addresses or price (see the fraud guide)' }),
  strength: Type.Optional(Type.Number({ description: '0 to 1' })),
  points: Type.Number({ description: 'Its share of the score: the signal’s weight × its strength' }),
  detail: Type.String({ description: 'What was measured, in words' }),
});

export const DecisionView = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  action: Type.Enum(['start', 'resend']),
  outcome: Type.Enum(['refused', 'shadow_refused'], { description: 'refused (enforce mode: nothing was sent) or shadow_refused (shadow mode: the same decision, and the message went out)' }),
  reason: Type.String({ description: 'The signal that weighed most, or prefix_blocked' }),
  mode: Mode,
  score: Type.Integer(),
  threshold: Type.Integer(),
  channel: Type.String(),
  country: Type.String(),
  prefix: Type.String({ description: 'The range or block the decision is about' }),
  service_id: Type.Union([Type.String(), Type.Null()]),
  verification_id: Type.Union([Type.String(), Type.Null()], { description: 'The blocked verification (a refused start), or the verification resent or let through' }),
  block_id: Type.Union([Type.String(), Type.Null()], { description: 'The prefix block that refused it' }),
  signals: Type.Array(Signal),
});

const Prefix = Type.String({ pattern: '^\\+[0-9]{1,15}$' });

export const DecisionsQuery = Type.Object(
  {
    account: Account,
    outcome: Type.Optional(Type.Enum(['refused', 'shadow_refused'])),
    reason: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    prefix: Type.Optional(Type.String({ ...Prefix, description: 'Decisions about this prefix or a narrower one' })),
    service: Type.Optional(Type.String({ pattern: '^svc_[A-Za-z0-9]{1,64}$' })),
    verification: Type.Optional(Type.String({ pattern: '^ver_[A-Za-z0-9]{1,64}$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: '1 to 200, default 50' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DecisionsPage = Type.Object(
  {
    decisions: Type.Array(DecisionView),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next (older) page; null on the last' }),
  },
  { examples: [decisionsExample] },
);

export const BlockView = Type.Object(
  {
    id: Type.String(),
    prefix: Type.String({ description: 'Every number starting with it is refused while the block is active' }),
    country: Type.String(),
    level: Type.Integer({ description: 'How many earlier blocks of the prefix in the week before (not lifted): picks the duration' }),
    mode: Mode,
    active: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
    lifted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    reasons: Type.Array(Signal, { description: 'The signals of the refusal that set it off' }),
  },
  { examples: [liftedBlockExample] },
);

export const BlocksQuery = Type.Object(
  { account: Account, active: Type.Optional(Type.Enum(['true', 'false'], { description: 'true: only active blocks; false: only ended ones' })) },
  { additionalProperties: false },
);
export const BlocksView = Type.Object({ account: Type.String(), blocks: Type.Array(BlockView) }, { examples: [blocksExample] });
export const BlockParams = Type.Object({ id: Type.String({ pattern: '^fbk_[A-Za-z0-9]{8,40}$', description: 'The block’s id (fbk_…)' }) });
