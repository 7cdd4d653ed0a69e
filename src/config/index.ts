export * from './config.js';
export * from './secrets.js';
export { settingsOf } from './load.js';
export { schemaProblems } from './coerce.js';
export { defineSettings, overridesSchema, setting, type ModuleConfig, type Setting, type SettingsModule } from './setting.js';
