export { RadiusAccountingListener, type AccountingStats } from './accounting-listener.js';
export type { AccountingRecord, AccountingStatus } from './accounting-record.js';
export type { AccountingListenerOptions } from './listener-options.js';
export { maskMsisdn, normalizeMsisdn } from './msisdn.js';
