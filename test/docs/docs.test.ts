import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'docs.mjs');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('the documents', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('hold the tables the command line prints, as it prints them now (npm run docs rewrites them)', async () => {
    const r = await run(process.execPath, [SCRIPT, '--check']).catch((e: { code: number; stdout: string }) => e);
    expect('code' in r ? r.stdout : '').toBe('');
    // Seven commands, each a process that loads the server's modules.
  }, 60_000);

  it('a table edited by hand fails the check, naming the page and the command', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'verity-docs-'));
    dirs.push(copy);
    cpSync(join(ROOT, 'docs'), copy, { recursive: true });
    const page = join(copy, 'configuration.md');
    writeFileSync(page, readFileSync(page, 'utf8').replace('TCP port the HTTP server listens on.', 'The port.'));
    const r = await run(process.execPath, [SCRIPT, '--check'], { env: { ...process.env, DOCS_DIR: copy } }).catch((e: { code: number; stdout: string }) => e);
    expect(r).toMatchObject({ code: 1, stdout: 'stale: docs/configuration.md: verity config\n' });
  }, 60_000);

  it('link only to files that exist', () => {
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue;
        expect(existsSync(resolve(dirname(join(ROOT, page)), target as string)), `${page} → ${target}`).toBe(true);
      }
    }
  });

  it('keep the README a front page, with no test count', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    expect(readme).not.toMatch(/\d[\d,]* (tests|passing)/);
  });
});
