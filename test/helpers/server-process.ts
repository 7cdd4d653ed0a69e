/**
 * Verity as a real process, run as `npm start` runs it (node flags included) from the build in
 * dist/: for tests of what only a process shows, such as a crash with work in flight.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNodeFlags } from '../../bench/start-flags.js';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  out: () => string;
}

/** Starts `verity serve` and resolves once it listens and has printed its banner (15 s at most). */
export function startServer(env: NodeJS.ProcessEnv, cwd?: string): Promise<ServerProcess> {
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

/** Ends the process with `signal` and resolves with its exit code once it has exited (null when a signal ended it). */
export function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** `verity keys create --json` on the database `env` names: Basic credentials for its API. */
export async function createKey(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'keys', 'create', '--json'], { env: { ...process.env, ...env } });
  const key = JSON.parse(stdout) as { key_id: string; secret: string };
  return `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
}
