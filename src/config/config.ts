import type { Static } from 'typebox';
import { ConfigError } from './config-error.js';
import { decodeKey } from './keys.js';
import { loadSettings, settingsTable } from './load.js';
import type { MagicSchema, SettingsModule } from './setting.js';
import { CORE_SETTINGS, type CoreConfig, type RouteRule } from './settings.js';

export { ConfigError, decodeKey };
export type { RouteRule };

/** Verity's configuration, derived from the core settings' schemas. */
export type Config = CoreConfig;
export type MagicDestination = Static<typeof MagicSchema>[number];
export type MagicOutcome = MagicDestination['outcome'];
export type VerificationDefaults = Config['verification'];
export type DeliverySettings = Config['delivery'];

/**
 * The settings modules the composition root adds to the core: compat vendors and the checks that
 * need a feature's knowledge. The configuration module imports no feature; features hand their
 * settings in, so loading the configuration anywhere in the process sees the same settings.
 */
const registry: SettingsModule[] = [];

/** Adds settings modules once each (by name), in the order given. */
export function registerSettings(...modules: SettingsModule[]): void {
  for (const m of modules) if (!registry.some((r) => r.name === m.name)) registry.push(m);
}

/** The core settings and every registered module, in documentation order. */
export function settingsModules(): SettingsModule[] {
  return [CORE_SETTINGS, ...registry];
}

/**
 * Builds the configuration from the environment and the optional JSON file it names, and
 * validates it; every problem is reported at once so a deployment is fixed in one go.
 * This is the only place in Verity that reads `process.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}, modules: readonly SettingsModule[] = settingsModules()): Config {
  return loadSettings(modules, env, overrides) as Config;
}

/** The Markdown table of every setting (`npm run verity -- config`). */
export function configTable(modules: readonly SettingsModule[] = settingsModules()): string {
  return settingsTable(modules);
}
