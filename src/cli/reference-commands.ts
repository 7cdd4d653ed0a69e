import { VENDOR_OBJECT_SETTINGS } from '../compat/settings.js';
import { configTable, generateSecrets } from '../config/index.js';
import { packageVersion } from '../lib/version.js';
import { PROVIDER_TYPES } from '../providers/index.js';
import { SILENT_TYPES } from '../silent/index.js';
import { JSON_OPTION, UsageError, type Command } from './command.js';

const cell = (text: string | undefined) => (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');

/** One table per vendor whose settings are one JSON object (COMPAT_SMSC, …), read from the schema that checks it: every vendor, or the ones named. */
function vendorTables(names: string[]): string {
  const unknown = names.filter((n) => !VENDOR_OBJECT_SETTINGS.some((v) => v.vendor === n));
  if (unknown.length > 0) throw new UsageError(`unknown vendor ${unknown.join(', ')}; one of ${VENDOR_OBJECT_SETTINGS.map((v) => v.vendor).join(', ')}`);
  const out: string[] = [];
  for (const v of VENDOR_OBJECT_SETTINGS.filter((x) => names.length === 0 || names.includes(x.vendor))) {
    out.push(`| \`${v.env}\` key | Default | Meaning |`, '|---|---|---|');
    for (const [key, prop] of Object.entries(v.schema.properties as Record<string, { description?: string; default?: unknown }>)) {
      out.push(`| \`${key}\` | \`${JSON.stringify(prop.default)}\` | ${cell(prop.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * One table per provider type (PROVIDERS) and silent upstream (SILENT_ROUTES), read from the
 * schemas that validate them: every type, or the ones named.
 */
function providersTables(types: string[]): string {
  const all = [...PROVIDER_TYPES.values(), ...SILENT_TYPES.values()];
  const unknown = types.filter((t) => !all.some((d) => d.type === t));
  if (unknown.length > 0) throw new UsageError(`unknown provider type ${unknown.join(', ')}; one of ${all.map((d) => d.type).join(', ')}`);
  const out: string[] = [];
  for (const def of all.filter((d) => types.length === 0 || types.includes(d.type))) {
    const schema = def.options as { properties?: Record<string, { description?: string; default?: unknown }>; required?: string[] };
    out.push(`### \`${def.type}\``, '', '| Option | Meaning |', '|---|---|');
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const flags = [(schema.required ?? []).includes(key) && prop.default === undefined ? 'required' : '', def.secrets.includes(key) ? 'secret' : ''].filter(Boolean).join(', ');
      out.push(`| \`${key}\`${flags ? ` (${flags})` : ''} | ${cell(prop.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The three secrets as env-file lines (or one JSON object), for deployments that must set them. */
function secretsText(asJson: boolean): string {
  const s = generateSecrets();
  const values = { PEPPERS: s.peppers.join(','), ENCRYPTION_KEY: s.encryptionKey, TOKEN_SIGNING_KEY: s.tokenSigningKey };
  return asJson
    ? `${JSON.stringify(values)}\n`
    : Object.entries(values)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('');
}

/** Commands that read no configuration: they print what the code holds. */
export const referenceCommands: Command[] = [
  {
    name: 'version',
    summary: 'print the version of this build (also --version)',
    example: 'verity version',
    run: ({ out }) => void out(`${packageVersion()}\n`),
  },
  {
    name: 'secrets generate',
    summary: 'print fresh PEPPERS, ENCRYPTION_KEY and TOKEN_SIGNING_KEY as KEY=value lines for an env file',
    options: JSON_OPTION,
    example: 'verity secrets generate > verity.env',
    run: ({ values, out }) => void out(secretsText(values.json === true)),
  },
  {
    name: 'config',
    summary: 'print every setting with its default, as a Markdown table (values set in the environment are never shown)',
    example: 'verity config',
    run: ({ out }) => void out(`${configTable()}\n`),
  },
  {
    name: 'providers',
    summary: "print each provider type's and silent upstream's options (all, or the types named), as Markdown tables",
    args: '[type…]',
    arity: [0, Number.POSITIVE_INFINITY],
    example: 'verity providers smtp smpp',
    run: ({ positionals, out }) => void out(`${providersTables(positionals)}\n`),
  },
  {
    name: 'vendors',
    summary: 'print the keys of COMPAT_SMSC, COMPAT_ZADARMA and COMPAT_MESSAGECENTRAL (all, or the vendors named), as Markdown tables',
    args: '[name…]',
    arity: [0, Number.POSITIVE_INFINITY],
    example: 'verity vendors smsc',
    run: ({ positionals, out }) => void out(`${vendorTables(positionals)}\n`),
  },
];
