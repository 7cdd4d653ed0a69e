export * from './config.js';
export * from './secrets.js';
export { SETTINGS } from './settings.js';
