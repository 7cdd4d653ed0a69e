import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MAX_LINES = 300;

describe('the verifications folder', () => {
  // One rule per file keeps each part readable on its own; a file past this is asking to be split.
  it(`keeps every source file within ${MAX_LINES} lines`, () => {
    const files = readdirSync(HERE).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('verification-service.ts');
    const over = files.map((f) => ({ file: f, lines: readFileSync(`${HERE}${f}`, 'utf8').split('\n').length - 1 })).filter((f) => f.lines > MAX_LINES);
    expect(over).toEqual([]);
  });
});
