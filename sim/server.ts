/**
 * A Verity as a self-hoster gets it out of the box: a fresh SQLite file, the sandbox provider,
 * TRUST_PROXY=true (the simulated users' addresses arrive as X-Forwarded-For) and nothing else, but for a price list (SIM_PRICES).
 * Started the way the bench starts its server, with the bench's process helpers.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, lastJsonLine, runNode, startServer, stopServer, waitReady } from '../bench/procs.js';
import { startNodeFlags } from '../bench/start-flags.js';
import { CORE_SETTINGS } from '../src/config/settings.js';

/**
 * SMS prices of the kind a self-hoster enters in the price book (USD per message): the home
 * market's cheap, the burst's destinations dear, as pumped ranges are. Without them every send
 * would be priced 0 and the report could say nothing of spend.
 */
export const SIM_PRICES = [
  { channel: 'sms', prefix: '44', price: 0.04 },
  { channel: 'sms', prefix: '353', price: 0.07 },
  { channel: 'sms', prefix: '33', price: 0.08 },
  { channel: 'sms', prefix: '996', price: 0.35 },
  { channel: 'sms', prefix: '992', price: 0.4 },
  { channel: 'sms', prefix: '224', price: 0.3 },
  { channel: 'sms', prefix: '675', price: 0.45 },
];

export interface OwnVerity {
  url: string;
  /** `Basic …` for the operator account's key. */
  authorization: string;
  stop(): Promise<void>;
}

/** The built CLI: beside this file when it runs from dist/, else in dist/ (a test runs this file from source). */
function cliPath(): string {
  const compiled = fileURLToPath(new URL('../src/cli.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
}

/**
 * The inherited environment without anything Verity would read: every core setting (and its old
 * name), the fraud and limit settings and the config file. What the caller's shell happens to
 * export (a PROVIDERS pointing at a real gateway, a raised limit) must not change what is measured.
 */
export function outOfTheBoxEnv(inherited: NodeJS.ProcessEnv, own: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inherited };
  for (const s of Object.values(CORE_SETTINGS.settings)) {
    delete env[s['x-env']];
    const alias = s['x-alias'];
    if (alias) delete env[alias.env];
  }
  for (const k of Object.keys(env)) if (/^(FRAUD|LIMITS?)_/.test(k) || k === 'VERITY_CONFIG' || k === 'REDIS_URL') delete env[k];
  return { ...env, ...own };
}

export async function startOwnVerity(): Promise<OwnVerity> {
  const cli = cliPath();
  const work = mkdtempSync(join(tmpdir(), 'verity-sim-'));
  // An interrupted run (Ctrl-C exits at once) leaves no database behind either.
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const port = await freePort();
  // LOG_LEVEL only quiets the request log (thousands of lines a run); it changes nothing measured.
  const env = outOfTheBoxEnv(process.env, { DATABASE_URL: `sqlite:${join(work, 'verity.db')}`, PORT: String(port), TRUST_PROXY: 'true', LOG_LEVEL: 'warn' });
  try {
    // The key first: on the empty database this also creates the operator account.
    const key = lastJsonLine(await runNode('keys', [cli, 'keys', 'create', '--json'], env)) as { key_id?: unknown; secret?: unknown };
    if (typeof key.key_id !== 'string' || typeof key.secret !== 'string') throw new Error('keys create --json printed no key');
    const server = startServer('verity', [...startNodeFlags(), cli, 'serve'], env);
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      await stopServer(server);
      rmSync(work, { recursive: true, force: true });
    };
    const authorization = `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
    try {
      await waitReady(server, `${url}/healthz`, {});
      await pricesFor(url, authorization);
    } catch (err) {
      await stop();
      throw err;
    }
    return { url, authorization, stop };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** The operator account's price list: SIM_PRICES. */
async function pricesFor(url: string, authorization: string): Promise<void> {
  const headers = { authorization, 'content-type': 'application/json' };
  const balance = (await (await fetch(`${url}/v1/balance`, { headers })).json()) as { account_id?: string };
  const put = await fetch(`${url}/v1/accounts/${balance.account_id}/prices`, { method: 'PUT', headers, body: JSON.stringify({ prices: SIM_PRICES }) });
  if (!put.ok) throw new Error(`setting the price list answered ${put.status}: ${await put.text()}`);
}
