/**
 * `npm run simulate -- <scenario> [options]`: drives a Verity with seeded traffic and reports what
 * its fraud layer did. Without --url it starts its own, out of the box (see server.ts).
 * Exit 0 when the run completed; 1 with --check when a bar was missed, or on a failure; 2 on usage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { killAll } from '../bench/procs.js';
import { simulatePumping } from './pumping.js';
import { loopbackOrigin } from './verity-client.js';
import { document, jsonLine, markdown } from './report.js';
import { type OwnVerity, startOwnVerity } from './server.js';

const USAGE = `usage: npm run simulate -- pumping [options]

  --url URL        drive the Verity already running at URL (this machine only); needs --key
  --key ID:SECRET  its API key
                   (without --url: start a Verity of its own, out of the box: a fresh SQLite
                   database, the sandbox provider, TRUST_PROXY=true, nothing else set,
                   and a price list of typical SMS prices, so spend can be told)
  --seed N         the traffic's seed (default 1)
  --duration S     seconds of traffic (default 150); people still type codes up to 30 s after
  --scale F        multiplies every rate (default 1)
  --json           print only the report's JSON line
  --write FILE     also write the Markdown report to FILE (docs/simulations/pumping.md)
  --check          exit 1 when a bar is missed
`;

class UsageError extends Error {}

interface Args {
  url: string | undefined;
  key: string | undefined;
  seed: number;
  durationS: number;
  scale: number;
  json: boolean;
  write: string | undefined;
  check: boolean;
}

function number(raw: string | undefined, fallback: number, name: string, ok: (v: number) => boolean): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !ok(v)) throw new UsageError(`--${name}: ${JSON.stringify(raw)} is not allowed`);
  return v;
}

function parse(argv: string[]): Args {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'pumping') throw new UsageError(positionals.length ? `unknown scenario ${positionals.join(' ')}` : 'which scenario?');
  if ((v.url === undefined) !== (v.key === undefined)) throw new UsageError('--url and --key go together');
  if (v.key !== undefined && !/^[^:]+:.+$/.test(v.key)) throw new UsageError('--key is KEY_ID:SECRET');
  if (v.url !== undefined) {
    try {
      loopbackOrigin(v.url);
    } catch (err) {
      throw new UsageError(`--url: ${(err as Error).message}`);
    }
  }
  return {
    url: v.url,
    key: v.key,
    seed: number(v.seed, 1, 'seed', (x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff),
    durationS: number(v.duration, 150, 'duration', (x) => x > 0 && x <= 3600),
    scale: number(v.scale, 1, 'scale', (x) => x > 0 && x <= 100),
    json: v.json === true,
    write: v.write,
    check: v.check === true,
  };
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      scale: { type: 'string' },
      json: { type: 'boolean' },
      write: { type: 'string' },
      check: { type: 'boolean' },
    },
  });
}

/** The command as a person would type it again, without the secret. */
function commandLine(a: Args): string {
  const parts = ['npm run simulate -- pumping'];
  if (a.url) parts.push(`--url ${a.url} --key KEY_ID:SECRET`);
  if (a.seed !== 1) parts.push(`--seed ${a.seed}`);
  if (a.durationS !== 150) parts.push(`--duration ${a.durationS}`);
  if (a.scale !== 1) parts.push(`--scale ${a.scale}`);
  if (a.json) parts.push('--json');
  if (a.check) parts.push('--check');
  if (a.write) parts.push(`--write ${a.write}`);
  return parts.join(' ');
}

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  const say = (line: string) => process.stderr.write(`simulate: ${line}\n`);
  let own: OwnVerity | undefined;
  try {
    if (!a.url) {
      say('starting a Verity of its own, out of the box');
      own = await startOwnVerity();
    }
    const url = own?.url ?? (a.url as string);
    const authorization = own?.authorization ?? `Basic ${Buffer.from(a.key as string).toString('base64')}`;
    say(`pumping against ${url}: seed ${a.seed}, ${a.durationS} s, scale ${a.scale}`);
    const report = await simulatePumping({ url, authorization, seed: a.seed, durationS: a.durationS, scale: a.scale, progress: say });
    process.stdout.write(a.json ? jsonLine(report) : `\n${markdown(report)}\n${jsonLine(report)}`);
    if (a.write) {
      const target = own
        ? 'a Verity the command started out of the box (a fresh SQLite database, the sandbox provider, TRUST_PROXY=true, nothing else set but a price list of typical SMS prices)'
        : `the Verity at ${url}`;
      mkdirSync(dirname(a.write), { recursive: true });
      writeFileSync(a.write, document(report, commandLine(a), target));
      say(`wrote ${a.write}`);
    }
    return a.check && !report.met ? 1 : 0;
  } finally {
    await own?.stop();
  }
}

process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`simulate: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`simulate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
