export { NumberPool } from './number-pool.js';
export type { PoolOptions } from './number-pool.js';
export type { NumberRow } from './number-store.js';
export { numberRoutes } from './routes.js';
export { PURPOSES, canonicalNumber, parseEntry, parseEntries } from './pool-entry.js';
export type { EntryInput, NumberPurpose, PoolEntry } from './pool-entry.js';
export { FULL_NUMBER_CODE_LENGTH, codeFromCallerId, flashCli, flashCodeLength, flashCodeOf } from './flash-cli.js';
