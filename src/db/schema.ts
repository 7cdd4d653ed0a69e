// Times are integer milliseconds since the epoch and flags are 0/1 integers, so SQLite and
// PostgreSQL rows look the same to the code above the store.

import type {
  AccountTable,
  ApiKeyTable,
  PriceTable,
  ServiceTable,
  TemplateTable,
  AccountProviderTable,
  AccountRoutesTable,
  VendorCredentialTable,
  MessageCentralNumberTable,
  IdempotencyTable,
  MetaTable,
} from './tables/accounts.js';
import type {
  VerificationTable,
  MessageTable,
  MessageAttemptTable,
  WrongGuessTable,
  WebhookEndpointTable,
  WebhookDeliveryTable,
  VerificationEventTable,
  VerificationRollupTable,
  ProviderRollupTable,
  ProviderErrorTable,
} from './tables/verifications.js';
import type {
  OperatorRangeTable,
  OperatorSessionTable,
  CgnatMappingTable,
  SpentTokenTable,
  SandboxMessageTable,
  SandboxCallTable,
  CallTable,
  InboundNumberTable,
  SoundTable,
} from './tables/channels.js';
import type { FraudBlockTable, FraudDecisionTable, FraudObservationTable, FraudSettingsTable, GeoRuleTable, SafeListTable, SpendCounterTable } from './tables/fraud.js';

export type * from './tables/accounts.js';
export type * from './tables/verifications.js';
export type * from './tables/channels.js';
export type * from './tables/fraud.js';

export interface Database {
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  prices: PriceTable;
  services: ServiceTable;
  templates: TemplateTable;
  verifications: VerificationTable;
  messages: MessageTable;
  verification_events: VerificationEventTable;
  verification_rollups: VerificationRollupTable;
  provider_rollups: ProviderRollupTable;
  provider_errors: ProviderErrorTable;
  message_attempts: MessageAttemptTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  account_providers: AccountProviderTable;
  account_routes: AccountRoutesTable;
  operator_ranges: OperatorRangeTable;
  operator_sessions: OperatorSessionTable;
  cgnat_mappings: CgnatMappingTable;
  spent_tokens: SpentTokenTable;
  wrong_guesses: WrongGuessTable;
  sandbox_messages: SandboxMessageTable;
  calls: CallTable;
  inbound_numbers: InboundNumberTable;
  sounds: SoundTable;
  sandbox_calls: SandboxCallTable;
  vendor_credentials: VendorCredentialTable;
  messagecentral_numbers: MessageCentralNumberTable;
  idempotency_keys: IdempotencyTable;
  geo_rules: GeoRuleTable;
  fraud_settings: FraudSettingsTable;
  spend_counters: SpendCounterTable;
  fraud_safe_list: SafeListTable;
  fraud_decisions: FraudDecisionTable;
  fraud_blocks: FraudBlockTable;
  fraud_observations: FraudObservationTable;
  meta: MetaTable;
}
