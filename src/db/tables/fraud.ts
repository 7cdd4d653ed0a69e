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
