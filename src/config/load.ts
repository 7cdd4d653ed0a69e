import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { ConfigError } from './config-error.js';
import { coerce, envText, schemaProblems } from './coerce.js';
import { valueSchema, type ModuleConfig, type Setting, type SettingsModule } from './setting.js';

export interface SettingRow {
  key: string;
  setting: Setting;
}

/**
 * Every setting of `modules` in documentation order: the first module's, then each other one's
 * after the key it names (after the rows other modules already placed there), else at the end.
 */
export function settingRows(modules: readonly SettingsModule[]): SettingRow[] {
  const rows: SettingRow[] = [];
  const placed = new Map<string, number>(); // anchor → where its next module goes
  for (const m of modules) {
    const own = Object.entries(m.settings).map(([key, setting]) => ({ key, setting }));
    const anchor = m.after === undefined ? -1 : rows.findIndex((r) => r.key === m.after);
    const at = anchor < 0 ? rows.length : (placed.get(m.after as string) ?? anchor + 1);
    rows.splice(at, 0, ...own);
    for (const [k, i] of placed) if (i >= at) placed.set(k, i + own.length);
    if (anchor >= 0) placed.set(m.after as string, at + own.length);
  }
  return rows;
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`VERITY_CONFIG: cannot read ${path}: ${(err as Error).message}`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`VERITY_CONFIG: ${path} is not a JSON object: ${(err as Error).message}`]);
  }
}

/** The value as given: `overrides`, then the environment (new name, then old), then the file (same). */
function given(row: SettingRow, env: NodeJS.ProcessEnv, file: Record<string, unknown>, overrides: Record<string, unknown>): unknown {
  const s = row.setting;
  const alias = s['x-alias'];
  const envOnly = s['x-env-only'] === true;
  return getPath(overrides, row.key) ?? env[s['x-env']] ?? (alias && env[alias.env]) ?? (envOnly ? undefined : (getPath(file, row.key) ?? (alias && getPath(file, alias.key))));
}

/**
 * The one routine that turns the environment and the optional JSON file (VERITY_CONFIG) into
 * configuration, driven by the settings' schemas: each value is coerced from its text, checked
 * against its schema, or else given its default; then each module's own checks run. Every problem
 * is collected and thrown at once, so a deployment is fixed in one go.
 */
export function loadSettings(modules: readonly SettingsModule[], env: NodeJS.ProcessEnv, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const problems: string[] = [];
  const file = env.VERITY_CONFIG ? readFile(env.VERITY_CONFIG) : {};
  const rows = settingRows(modules);
  const fileRows = rows.filter((r) => !r.setting['x-env-only']);
  const known = new Set(fileRows.flatMap((r) => [r.key, r.setting['x-alias']?.key ?? r.key].map((k) => k.split('.')[0])));
  for (const k of Object.keys(file)) if (!known.has(k)) problems.push(`config file: unknown key "${k}"`);

  const out: Record<string, unknown> = {};
  for (const row of rows) {
    const s = row.setting;
    const kind = s['x-kind'];
    const raw = given(row, env, file, overrides);
    let value: unknown;
    if (raw === undefined || raw === '') {
      // Set but empty: a list with a default is explicitly empty (COMPAT_VENDORS= serves none,
      // MAGIC_NUMBERS= keeps no magic number).
      value = raw === '' && (kind === 'list' || kind === 'magic') && s.default !== undefined ? [] : structuredClone(s.default as unknown);
    } else {
      value = coerce(kind, raw, `${s['x-env']}${s['x-env-only'] ? '' : ` (${row.key})`}`, problems, s['x-secret'] === true);
      // A rule given without a window keeps its setting's default one: a new budget for a
      // sliding limit (LIMIT_START_PER_ACCOUNT=2000/60) does not turn it into a fixed one.
      const dfltWindow = kind === 'rule' ? (s.default as { window?: string } | undefined)?.window : undefined;
      if (dfltWindow && value !== undefined && !('window' in (value as object))) value = { ...(value as object), window: dfltWindow };
      if (value !== undefined) {
        const schema = valueSchema(s);
        if (kind === 'json') value = Value.Default(schema, s['x-convert'] ? Value.Convert(schema, value) : value);
        const found = schemaProblems(schema, value, s['x-env']);
        const message = s['x-message'];
        problems.push(...(found.length > 0 && message ? [`${s['x-env']} ${message}`] : found));
      }
    }
    setPath(out, row.key, value);
  }
  for (const m of modules) if (m.check) problems.push(...m.check(out as ModuleConfig<Record<string, Setting>> & Record<string, unknown>));
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/**
 * One module's part of a loaded configuration, typed by its schemas. The module must have been
 * among those the configuration was loaded with (a wiring mistake otherwise, not a user's).
 */
export function settingsOf<S extends Record<string, Setting>>(config: object, module: SettingsModule<S>): ModuleConfig<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(module.settings)) {
    // Loading sets every key, an unset one to undefined; a missing key means a missing module.
    let cur: unknown = config;
    for (const part of key.split('.')) {
      if (typeof cur !== 'object' || cur === null || !(part in cur)) throw new Error(`the configuration was loaded without the ${module.name} settings`);
      cur = (cur as Record<string, unknown>)[part];
    }
    setPath(out, key, cur);
  }
  return out as ModuleConfig<S>;
}

/** The Markdown table of every setting, as the documentation prints it. */
export function settingsTable(modules: readonly SettingsModule[]): string {
  const rows = settingRows(modules).map(({ key, setting: s }) => {
    const dflt = envText(s['x-kind'], s.default);
    return `| \`${s['x-env']}\` | ${s['x-env-only'] ? '—' : `\`${key}\``} | ${dflt === undefined ? '—' : `\`${dflt.replaceAll(',', ', ')}\``} | ${s.description ?? ''} |`;
  });
  return ['| Environment | Config file key | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
