import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startNodeFlags } from '../../bench/start-flags.js';

/** The built command line, as `npm start` and `npm run verity` run it. */
export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');

export interface ServerProcess {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  out: () => string;
  /** The URL it printed as listening on. */
  base: string;
}

/** Starts `verity serve` as `npm start` runs it (node flags included) and waits for its first-start message. */
export function startServer(env: NodeJS.ProcessEnv, cwd?: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...startNodeFlags(), CLI, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const poll = setInterval(() => {
      const m = /Verity is listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] && out.includes('\n\n', out.indexOf(m[0]))) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, out: () => out, base: m[1] });
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** SIGTERM, and the exit code once it has exited. */
export function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
