/** The node flags `npm start` runs Verity with, read from package.json so the bench cannot drift from it. */
import { packageJson } from '../src/lib/version.js';

/**
 * The `--flags` between `node` and the script in a start script such as
 * `node --max-semi-space-size=64 dist/src/cli.js serve`.
 */
export function nodeFlagsOf(startScript: string): string[] {
  const words = startScript.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`the start script must run node directly, got ${JSON.stringify(startScript)}`);
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

export function startNodeFlags(): string[] {
  const start = packageJson()?.scripts?.start;
  if (start === undefined) throw new Error('package.json has no start script');
  return nodeFlagsOf(start);
}
