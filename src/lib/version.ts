import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  version?: string;
  scripts?: Record<string, string>;
}

/** Verity's package.json, found by walking up from this file (it runs from src/ in tests and dist/src/ in production). */
export function packageJson(): PackageJson | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    dir = dirname(dir);
  }
  return undefined;
}

export function packageVersion(): string {
  return packageJson()?.version ?? '0.0.0';
}
