import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const CLIENT = join(ROOT, 'packages', 'client', 'src');
const MAX_LINES = 300;
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

describe('the source tree', () => {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(SRC, f));

  // One rule per file keeps each part readable on its own; a file past this is asking to be split.
  it(`keeps every file within ${MAX_LINES} lines`, () => {
    expect(files.length).toBeGreaterThan(100);
    const over = files.filter((f) => lines(f) > MAX_LINES).map((f) => `${relative(SRC, f)}: ${lines(f)}`);
    expect(over).toEqual([]);
  });

  // The typed client's own code; its generated types are as long as the API is wide.
  it(`keeps every hand-written file of the typed client within ${MAX_LINES} lines`, () => {
    const files = readdirSync(CLIENT, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('generated'))
      .map((f) => join(CLIENT, f));
    expect(files.length).toBeGreaterThan(3);
    const over = files.filter((f) => lines(f) > MAX_LINES).map((f) => `${relative(ROOT, f)}: ${lines(f)}`);
    expect(over).toEqual([]);
  });

  // The app is the ordered list of its capability plugins, nothing more.
  it('keeps app.ts an ordered list of plugins, within 120 lines', () => {
    expect(lines(join(SRC, 'app.ts'))).toBeLessThanOrEqual(120);
  });
});
