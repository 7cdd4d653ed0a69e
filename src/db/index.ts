export * from './database.js';
export type * from './schema.js';
