/** The Verity CLI as a real process (the built dist/src/cli.js), as an operator runs it. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNodeFlags } from '../../bench/start-flags.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');
export const run = promisify(execFile);

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and reports its exit code and output, failing or not. */
export function attempt(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Outcome> {
  return run(file, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 15_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: Outcome) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** `verity <args>` with the node flags of npm start. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs?: number): Promise<Outcome> {
  return attempt(process.execPath, [...startNodeFlags(), CLI, ...args], { env, ...(timeoutMs ? { timeoutMs } : {}) });
}

export interface RunningServer {
  child: ChildProcess;
  out: () => string;
  base: string;
}

/** `verity serve` as `npm start` runs it (node flags included), resolved once it has printed where it listens (15 s at most). */
export function startServer(env: NodeJS.ProcessEnv, cwd?: string): Promise<RunningServer> {
  const child = spawn(process.execPath, [...startNodeFlags(), CLI, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 15_000);
    const poll = setInterval(() => {
      const m = /Verity is listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] && out.includes('\n\n', out.indexOf(m[0]))) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, out: () => out, base: m[1] });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** Stops a process with `signal` and resolves with its exit code. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** `verity keys create --json` on the database `env` names: Basic credentials for its API. */
export async function createKey(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'keys', 'create', '--json'], { env: { ...process.env, ...env } });
  const key = JSON.parse(stdout) as { key_id: string; secret: string };
  return `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
}
