import { ConfigError, loadConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { StartupError } from '../lib/startup-error.js';
import { packageVersion } from '../lib/version.js';
import { accountCommands, keyCommands } from './account-commands.js';
import { CliFailure, commandHelp, optionText, parseCommandLine, shortUsage, synopsis, UsageError, type CliApps, type Command } from './command.js';
import { bashCompletion, zshCompletion } from './completion.js';
import { doctorCommand } from './doctor.js';
import { referenceCommands } from './reference-commands.js';
import { serverCommands } from './server-commands.js';
import { verificationCommands } from './verification-commands.js';
import { webhookCommands } from './webhook-commands.js';

const [versionCommand, ...tables] = referenceCommands as [Command, ...Command[]];

const helpCommand: Command = {
  name: 'help',
  summary: 'print the list of commands (verity <command> --help prints one in full)',
  options: { markdown: { type: 'boolean', description: 'print the commands as a Markdown table (docs/cli.md holds it)' } },
  example: 'verity help',
  run: ({ values, out }) => void out(values.markdown ? markdownTable() : usage()),
};

const completionCommand: Command = {
  name: 'completion',
  summary: 'print a shell completion script for the commands and their options',
  args: '<bash|zsh>',
  arity: [1, 1],
  example: 'source <(verity completion bash)',
  run: ({ positionals, out }) => {
    const shell = positionals[0];
    if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion: unknown shell "${shell ?? ''}"; bash or zsh`, shortUsage(completionCommand));
    out(shell === 'bash' ? bashCompletion(COMMANDS) : zshCompletion(COMMANDS));
    return undefined;
  },
};

/** Every command, in the order the usage lists them. */
export const COMMANDS: Command[] = [
  ...serverCommands,
  doctorCommand,
  ...keyCommands,
  ...accountCommands,
  ...verificationCommands,
  ...webhookCommands,
  ...tables,
  versionCommand,
  completionCommand,
  helpCommand,
];

/** The usage `verity help` prints: each command's synopsis and purpose. */
export function usage(): string {
  const lines = COMMANDS.flatMap((c) => [`  ${synopsis(c).slice('verity '.length)}`, `      ${c.summary}`]);
  return [
    'usage: verity <command> [options]',
    '',
    ...lines,
    '',
    'Every command takes --help (its options and an example); --version prints the version.',
    'Exit codes: 0 done, 1 failed (or doctor found a problem), 2 a usage or configuration error.',
    'Through npm, add -s so that npm prints nothing of its own: npm run -s verity -- keys create --json',
    '',
  ].join('\n');
}

function markdownTable(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const rows = COMMANDS.map((c) => {
    const options = Object.entries(c.options ?? {})
      .map(([n, o]) => `\`${optionText(n, o)}\``)
      .join(', ');
    return `| \`${cell(`verity ${c.name}${c.args ? ` ${c.args}` : ''}`)}\` | ${cell(c.summary)} | ${options || '—'} | \`${cell(c.example)}\` |`;
  });
  return ['| Command | What it does | Options | Example |', '|---|---|---|---|', ...rows, ''].join('\n');
}

/** The command the words name, and the arguments after its name; a group's missing or unknown subcommand is a usage error. */
function resolve(argv: string[]): { command: Command; rest: string[] } {
  const [first, second] = argv;
  const whole = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (whole) return { command: whole, rest: argv.slice(2) };
  const single = COMMANDS.find((c) => c.name === first);
  if (single) return { command: single, rest: argv.slice(1) };
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (group.length === 0) throw new UsageError(`unknown command "${first ?? ''}"`, usage());
  const groupUsage = `usage: verity ${first} <command>\n\n${group.map((c) => `  ${synopsis(c).slice('verity '.length)}\n      ${c.summary}\n`).join('')}`;
  if (second === '--help' || second === '-h') throw new HelpShown(groupUsage);
  throw new UsageError(`unknown ${first} command "${second ?? ''}"`, groupUsage);
}

/** `verity <group> --help`: the group's commands, on stdout, exit 0. */
class HelpShown extends Error {}

const out = (text: string) => void process.stdout.write(text);

export async function runCli(argv: string[], apps: CliApps): Promise<number> {
  // No command prints the usage: a bare `npm run verity` must not start a server by surprise.
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    out(usage());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    out(`${packageVersion()}\n`);
    return 0;
  }
  let resolved: ReturnType<typeof resolve>;
  try {
    resolved = resolve(argv);
  } catch (err) {
    if (err instanceof HelpShown) {
      out(err.message);
      return 0;
    }
    throw err;
  }
  const { command, rest } = resolved;
  // Parsed before the configuration is read: a typo in the command line is reported as such.
  const { help, values, positionals } = parseCommandLine(command, rest);
  if (help) {
    out(commandHelp(command));
    return 0;
  }
  try {
    const code = command.configured ? await command.run({ values, positionals, out, config: loadConfig(), apps }) : await command.run({ values, positionals, out });
    return code ?? 0;
  } catch (err) {
    // A value the command refused (`--limit 0`) is shown with that command's usage, not the whole list.
    if (err instanceof UsageError && err.usage === undefined) throw new UsageError(err.message, shortUsage(command));
    throw err;
  }
}

/** The exit code for what went wrong, with its message on stderr. */
export function report(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n${err.usage ?? usage()}`);
    return 2;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  // What the machine or the data refused: one line, no stack (the stack is for bugs).
  if (err instanceof StartupError || err instanceof CliFailure) {
    process.stderr.write(`verity: ${err.message}\n`);
    return 1;
  }
  if (err instanceof AppError) {
    process.stderr.write(`verity: ${err.code}: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`verity: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
