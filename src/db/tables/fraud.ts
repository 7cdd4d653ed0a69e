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
