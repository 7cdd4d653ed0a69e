import { Type } from 'typebox';
import { ChannelSchema } from '../http/schemas.js';

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

const GeoScope = Type.Object({
  service: Type.Union([Type.String(), Type.Null()], { description: 'The service the rules are for; null for the whole account' }),
  channel: Type.Union([Type.String(), Type.Null()], { description: 'The channel the rules are for; null for every channel' }),
  default: Type.Union([Action, Type.Null()], { description: 'The answer for the countries this scope does not name; null: ask the next scope' }),
  countries: Countries,
});

export const GeoView = Type.Object({
  account: Type.String(),
  server: Type.Object({ allowed: Type.Array(Type.String()), blocked: Type.Array(Type.String()) }, { description: 'The server’s default (FRAUD_GEO_ALLOW, FRAUD_GEO_BLOCK), asked last' }),
  scopes: Type.Array(GeoScope, { description: 'The account’s rules, by scope; the most specific scope with an opinion on a country decides' }),
});

export const GeoPutBody = Type.Object(
  {
    account: Account,
    service: Type.Optional(Type.Union([Type.String({ pattern: '^svc_[A-Za-z0-9]{1,64}$' }), Type.Null()], { description: 'A service of the account; omitted or null: the whole account' })),
    channel: Type.Optional(Type.Union([ChannelSchema, Type.Null()], { description: 'One channel; omitted or null: every channel' })),
    default: Type.Optional(Type.Union([Action, Type.Null()], { description: 'The answer for the countries not named; omitted or null: ask the next scope' })),
    countries: Type.Optional(Countries),
  },
  { additionalProperties: false, examples: [{ channel: 'sms', default: 'block', countries: { GB: 'allow', IE: 'allow' } }] },
);

export { GeoScope };
