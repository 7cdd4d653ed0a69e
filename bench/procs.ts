/** Child-process plumbing for the bench: free ports, readiness probes, RSS, and kill-on-exit. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();

/** SIGKILLs whatever is still running; safe to call from an 'exit' handler (synchronous). */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function prefixLines(stream: NodeJS.ReadableStream | null, name: string): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
}

export interface Server {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) whenever the process ends. */
  exited: Promise<number | string>;
}

/** Starts `node <args>` as a long-running child whose output goes to our stderr, prefixed. */
export function startServer(name: string, args: string[], env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  prefixLines(child.stdout, name);
  prefixLines(child.stderr, name);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      live.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`. Graceful matters for --cpu-prof, written at exit. */
export async function stopServer(server: Server, graceMs = 10_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}

/** Polls `probe` until it answers 2xx; fails early if the server exits. */
export async function waitReady(server: Server, url: string, init: RequestInit, timeoutMs = 30_000): Promise<void> {
  let exit: number | string | undefined;
  void server.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${server.name} exited (${exit}) before it was ready`);
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server.name} was not ready at ${url} within ${timeoutMs} ms (${last})`);
}

/** Runs `node <args>` to completion and returns its stdout; stderr passes through prefixed. */
export function runNode(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    prefixLines(child.stderr, name);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', (err) => {
      live.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      const out = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(out);
      else reject(new Error(`${name} failed (${code ?? signal}): ${out.slice(-500)}`));
    });
  });
}

/** Resident set size of a process in MiB, from /proc (Linux), else `ps`. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m?.[1]) return Number(m[1]) / 1024;
  } catch {
    // not Linux, or the process is gone
  }
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat
 * (Linux; clock ticks of 10 ms); undefined elsewhere.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The last non-empty line of a child's stdout, parsed as JSON. */
export function lastJsonLine(out: string): unknown {
  const line = out
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .at(-1);
  if (!line) throw new Error('no output');
  return JSON.parse(line) as unknown;
}
