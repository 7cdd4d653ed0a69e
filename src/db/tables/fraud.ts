import type { Generated } from 'kysely';

/** A geo permission: whether a scope (an account, one of its services, a channel of either) may send to a country. */
export interface GeoRuleTable {
  account_id: string;
  /** '' for the whole account. */
  service_id: string;
  /** '' for every channel. */
  channel: string;
  /** ISO 3166 alpha-2, or '*' for every country the scope does not name. */
  country: string;
  /** 'allow' or 'block'. */
  action: string;
  updated_at: number;
}

/** An account's fraud and cost control settings over the server's defaults (JSON; see src/fraud/fraud-settings.ts). */
export interface FraudSettingsTable {
  account_id: string;
  settings: string;
  updated_at: number;
}

/** What an account spent in one period of a spend cap: `h:<start>`, `d:<start>`, `m:<start>` or `c:<country>:<day start>`. */
export interface SpendCounterTable {
  account_id: string;
  period: string;
  spent_micros: number;
  /** When the period ends (ms): the sweeper drops counters long past it. */
  ends_at: number;
  /** The cap the last send was held to (null: none); kept so one upsert can hold each row to its own. */
  cap_micros: number | null;
}

/** A destination the fraud layer never blocks: a number (E.164) or a prefix of one (`+` and digits). */
export interface SafeListTable {
  account_id: string;
  entry: string;
  /** 'number' or 'prefix'. */
  kind: string;
  note: string | null;
  created_at: number;
}

/** A start or a resend the pumping rules refused, or would have refused in shadow mode, with its reasons. */
export interface FraudDecisionTable {
  id: string;
  account_id: string;
  service_id: string | null;
  /** The blocked verification a refused start was recorded as, or the verification a resend or a shadow decision belongs to. */
  verification_id: string | null;
  /** 'start' or 'resend'. */
  action: string;
  /** 'refused' or 'shadow_refused'. */
  outcome: string;
  /** The signal that weighed most, or 'prefix_blocked'. */
  reason: string;
  mode: string;
  score: number;
  threshold: number;
  channel: string;
  country: string;
  /** The range or block the decision is about (never a whole number). */
  prefix: string;
  block_id: string | null;
  /** JSON: each signal's points and what was measured. */
  signals: string;
  created_at: number;
}

/** A prefix of an account's destinations blocked as a whole until `expires_at`, or until lifted. */
export interface FraudBlockTable {
  id: string;
  account_id: string;
  prefix: string;
  country: string;
  /** The account's how-many-th block of this prefix (0 first): two instances cannot both add the same one. */
  seq: number;
  /** How many blocks of the prefix in the week before it were not lifted: picks the duration. */
  level: number;
  mode: string;
  /** JSON: the signals of the refusals that set it off. */
  reasons: string;
  created_at: number;
  expires_at: number;
  lifted_at: number | null;
  lifted_by: string | null;
  ended: number;
}

/** A batch of one instance's pumping-rule observations (JSON), for the others (see src/fraud/pumping/exchange.ts). */
export interface FraudObservationTable {
  seq: Generated<number>;
  origin: string;
  at: number;
  data: string;
}
