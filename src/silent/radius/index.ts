export { RadiusAccountingListener } from './accounting-listener.js';
export type { AccountingRecord } from './accounting-record.js';
export type { AccountingListenerOptions } from './listener-options.js';
export { maskMsisdn, normalizeMsisdn } from './msisdn.js';
