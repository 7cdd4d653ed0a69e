import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stop, type RunningServer } from '../helpers/cli-process.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** A fenced `bash` block of a document, with the HTML comments written on the lines right above it. */
interface Block {
  file: string;
  line: number;
  code: string;
  notes: string[];
}

/**
 * Every fenced block of a Markdown text, in order (indented ones inside list items included), with
 * its language and the `<!-- … -->` comments directly above its opening fence.
 */
function fencedBlocks(file: string, text: string): Array<Block & { lang: string }> {
  const lines = text.split('\n');
  const out: Array<Block & { lang: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = open[1] as string;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^${indent}\`\`\`\\s*$`).test(lines[j] as string); j++) body.push((lines[j] as string).slice(indent.length));
    const notes: string[] = [];
    for (let k = i - 1; k >= 0; k--) {
      const c = /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[k] as string);
      if (!c) break;
      notes.unshift(c[1] as string);
    }
    out.push({ file, line: i + 1, lang: open[2] as string, code: `${body.join('\n')}\n`, notes });
    i = j;
  }
  return out;
}

/** The documents a reader follows, in reading order: the README, then the manual's pages, its guides and migrations included. */
function documents(): Array<{ file: string; text: string }> {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

const notRun = (b: Block) => b.notes.find((n) => n.startsWith('not run:'));
const expected = (b: Block) => b.notes.filter((n) => n.startsWith('expect:')).map((n) => n.slice('expect:'.length).trim());
const where = (b: Block) => `${b.file}:${b.line}`;

const blocks = documents().flatMap((d) => fencedBlocks(d.file, d.text));
const shell = blocks.filter((b) => ['bash', 'sh', 'shell', 'console'].includes(b.lang));
const runnable = shell.filter((b) => !notRun(b));

describe('the documents’ shell blocks', () => {
  it('are all bash, and each one not run says why', () => {
    for (const b of shell) expect(b.lang, where(b)).toBe('bash');
    for (const b of shell.filter(notRun)) expect(notRun(b)?.slice('not run:'.length).trim().length, where(b)).toBeGreaterThan(10);
    expect(runnable.length).toBeGreaterThan(5);
  });

  it('that are not run are still valid bash', async () => {
    for (const b of shell.filter(notRun)) {
      const r = await run('bash', ['-n', '-c', b.code]).catch((e: { stderr: string }) => e);
      expect('code' in r ? r.stderr : '', where(b)).toBe('');
    }
  });

  it('call curl so that an error answer is shown and stops the block', () => {
    for (const b of runnable) {
      for (const call of b.code.match(/\bcurl\b[^\n]*/g) ?? []) expect(call, where(b)).toContain('--fail-with-body');
    }
  });

  it('finds blocks inside list items and the notes above them', () => {
    const found = fencedBlocks('x.md', ['- item', '', '  <!-- not run: an example of the parser -->', '  ```bash', '  echo hi', '  ```', '```json', '{}', '```'].join('\n'));
    expect(found).toEqual([
      { file: 'x.md', line: 4, lang: 'bash', code: 'echo hi\n', notes: ['not run: an example of the parser'] },
      { file: 'x.md', line: 7, lang: 'json', code: '{}\n', notes: [] },
    ]);
  });
});

describe('every runnable block, in reading order, against one fresh `npm start`', () => {
  let server: RunningServer;
  let key: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verity-readme-'));
    // The documents are read in the checkout a new user has: examples/ and the rest relative to it.
    server = await startServer({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'verity.db')}`, LOG_LEVEL: 'warn' }, ROOT);
    key = /export VERITY_KEY='([^']+)'/.exec(server.out())?.[1] as string;
    expect(key).toMatch(/^vk_\w+:vs_[\w-]+$/);
  });

  afterAll(async () => {
    if (server) expect(await stop(server.child)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  // One test, so the blocks run one after another in the order a reader meets them; each in a
  // shell of its own, so a block that uses a variable it does not set fails here.
  it('each block runs as written and shows what it promises', async () => {
    for (const b of runnable) {
      const r = await run('bash', ['-euo', 'pipefail', '-c', b.code], { cwd: ROOT, env: { ...process.env, VERITY: server.base, VERITY_KEY: key }, timeout: 30_000 }).catch(
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      const detail = `${where(b)}\n${b.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
      expect('code' in r ? r.code : 0, detail).toBe(0);
      for (const text of expected(b)) expect(r.stdout, detail).toContain(text);
    }
  }, 300_000);
});
