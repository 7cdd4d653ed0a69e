import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.js';
import { closedPort } from '../helpers/loopback-ports.js';

const run = promisify(execFile);
const MINUTE = 60_000;

/** Polls `url` until it answers 200, or fails after `ms`. */
async function ready(url: string, ms: number, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${ms / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// What an operator does with a release: npm pack, install the tarball in an empty folder, npx verity serve.
describe('the npm package', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'verity-pack-'));
    dirs.push(d);
    return d;
  };

  it(
    'installs from its tarball into an empty folder and serves /readyz with a fresh SQLite database',
    async () => {
      const out = tmp();
      // `npm pack` runs `prepare`, which builds dist/ from the sources.
      const packed = await run('npm', ['pack', '--json', '--pack-destination', out], { cwd: ROOT, timeout: 1.5 * MINUTE, maxBuffer: 64 * 1024 * 1024 });
      const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = (info?.files ?? []).map((f) => f.path);
      expect(files).toContain('dist/src/cli.js');
      expect(files).toContain('dist/src/cli/main.js');
      expect(files).toContain('package.json');
      // What runs and what explains it: no sources, tests, benchmark or simulator.
      expect(files.filter((f) => !/^(dist\/src\/|docs\/|README\.md$|package\.json$)/.test(f))).toEqual([]);

      const app = tmp();
      await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(out, info?.filename as string)], { cwd: app, timeout: 2.5 * MINUTE, maxBuffer: 64 * 1024 * 1024 });
      const version = await run('npx', ['--no-install', 'verity', '--version'], { cwd: app, timeout: MINUTE });
      expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);

      // A loopback port nothing listens on yet, for the installed server.
      const port = await closedPort();
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(app, 'data', 'verity.db')}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
      // A process group of its own, so that stopping it stops npx and the node it started.
      const child = spawn('npx', ['--no-install', 'verity', 'serve'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await ready(`http://127.0.0.1:${port}/readyz`, MINUTE, () => output);
        expect(output).toContain(`Verity is listening on http://127.0.0.1:${port}`);
      } finally {
        process.kill(-(child.pid as number), 'SIGTERM');
        const stopped = await Promise.race([exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000))]);
        if (stopped === 'late') process.kill(-(child.pid as number), 'SIGKILL');
      }
    },
    5 * MINUTE,
  );
});
