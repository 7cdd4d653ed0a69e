import { parseArgs } from 'node:util';
import type { Config } from '../config/index.js';
import type { App, Principal } from '../http/types.js';
import type { ListQuery, ListResult } from '../verifications/verification-search.js';

/** A mistake in the command line itself: the usage follows the message and the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage to print after the message: the command's own, or the whole list. */
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** What the machine or the data refused: one line on stderr, exit code 1. */
export class CliFailure extends Error {}

/** What the composition root hands the commands that it alone may build (a capability's store stays its own). */
export interface CliApps {
  /** The verification list and search over the app's database, as GET /v1/verifications runs it. */
  search(app: App): { list(caller: Principal, q: ListQuery): Promise<ListResult> };
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's name in the synopsis (`--to <destination>`); string options only. */
  value?: string;
  description: string;
  /** The command refuses to run without it; the synopsis shows it without brackets. */
  required?: boolean;
  /** The values it accepts, when they are few: shell completion offers them. */
  choices?: readonly string[];
}

export interface Invocation {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Where stdout goes; commands never write secrets to stderr, nor logs to stdout. */
  out: (text: string) => void;
}

/** What a command that reads the configuration is given. */
export interface Configured extends Invocation {
  config: Config;
  apps: CliApps;
}

interface CommandBase {
  /** The words that name it: `keys list`. */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** The positional arguments as the synopsis shows them: `<id> <code>`, `[type…]`. */
  args?: string;
  /** How many positionals it takes: [least, most]. */
  arity?: [number, number];
  options?: Record<string, OptionSpec>;
  example: string;
}

/** A command that needs no configuration (reference tables, completion, version). */
export interface PlainCommand extends CommandBase {
  configured?: false;
  run(inv: Invocation): Promise<number | undefined> | number | undefined;
}

/** A command that reads the configuration before it runs. */
export interface ConfiguredCommand extends CommandBase {
  configured: true;
  run(inv: Configured): Promise<number | undefined>;
}

export type Command = PlainCommand | ConfiguredCommand;

export const JSON_OPTION: Record<string, OptionSpec> = { json: { type: 'boolean', description: 'print JSON for scripts instead of text' } };
export const ACCOUNT_OPTION: Record<string, OptionSpec> = {
  account: { type: 'string', value: 'id', description: 'act as this account (default: the first account, the operator)' },
};

/** `--name <value>` or `--flag`, as the synopsis and help show it. */
export function optionText(name: string, o: OptionSpec): string {
  return o.type === 'string' ? `--${name} <${o.value ?? 'value'}>` : `--${name}`;
}

export function synopsis(c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(([n, o]) => (o.required ? optionText(n, o) : `[${optionText(n, o)}]`));
  return [`verity ${c.name}`, c.args, ...opts].filter(Boolean).join(' ');
}

/** What follows a usage error: the synopsis and where the rest is. */
export function shortUsage(c: Command): string {
  return `usage: ${synopsis(c)}\n(verity ${c.name} --help prints its options and an example)\n`;
}

export function commandHelp(c: Command): string {
  const rows: Array<[string, string]> = [...Object.entries(c.options ?? {}).map(([n, o]): [string, string] => [optionText(n, o), o.description]), ['-h, --help', 'print this help']];
  const width = Math.max(...rows.map(([l]) => l.length));
  return [`verity ${c.name}: ${c.summary}`, '', `usage: ${synopsis(c)}`, '', 'options:', ...rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`), '', 'example:', `  ${c.example}`, ''].join('\n');
}

// A negative number is an argument (`accounts credit acc_1 -5`), not a cluster of short options.
const NEGATIVE = /^-\d+(\.\d+)?$/;
const HIDDEN = '\u0000';

/**
 * The command's options and positionals, strictly: an unknown option, a missing value or the
 * wrong number of arguments is a usage error naming the command.
 */
export function parseCommandLine(c: Command, args: string[]): { help: boolean; values: Invocation['values']; positionals: string[] } {
  const options = Object.fromEntries(Object.entries(c.options ?? {}).map(([n, o]) => [n, { type: o.type }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: args.map((a) => (NEGATIVE.test(a) ? `${HIDDEN}${a}` : a)),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const option = /'([^']+)'/.exec((err as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${c.name}: unknown option "${option ?? ''}"`, shortUsage(c));
    throw new UsageError(`${c.name}: ${(err as Error).message.split('\n')[0] ?? ''}`, shortUsage(c));
  }
  const positionals = parsed.positionals.map((p) => (p.startsWith(HIDDEN) ? p.slice(1) : p));
  const values = parsed.values as Invocation['values'];
  if (values.help) return { help: true, values, positionals };
  const [least, most] = c.arity ?? [0, 0];
  if (positionals.length < least) throw new UsageError(`${c.name}: expected ${c.args ?? 'arguments'}`, shortUsage(c));
  if (positionals.length > most) throw new UsageError(`${c.name}: unexpected argument "${positionals[most] ?? ''}"`, shortUsage(c));
  return { help: false, values, positionals };
}

/** A string option the command requires. */
export function required(c: { name: string }, values: Invocation['values'], name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${c.name}: --${name} is required`);
  return v;
}

/** Rows as aligned columns under a header; an empty list says so instead of printing a lone header. */
export function table(header: string[], rows: string[][], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `key  value` lines, keys aligned. */
export function fields(entries: Array<[string, string | number | boolean | null | undefined]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return `${entries.map(([k, v]) => `${k.padEnd(width)}  ${v === null || v === undefined ? '—' : String(v)}`).join('\n')}\n`;
}

export const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/** An epoch-milliseconds instant as ISO 8601, or — when there is none. */
export const instant = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : new Date(ms).toISOString());
