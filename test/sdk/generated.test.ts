import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientSources, GENERATED_DIR } from '../../scripts/client-schema.mjs';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';

describe('the typed client’s generated sources', () => {
  // From the server's source as it is now: a route schema or an error code changed without
  // regenerating fails here, naming the command that brings the client up to date.
  it('match the OpenAPI document and the error codes of the server as it is now', async () => {
    const sources = await clientSources({ buildApp, loadConfig, ERROR_CODES });
    expect(Object.keys(sources).sort()).toEqual(['error-codes.ts', 'openapi.ts']);
    for (const [name, text] of Object.entries(sources)) {
      const committed = readFileSync(join(GENERATED_DIR, name), 'utf8');
      expect(committed === text, `packages/client/src/generated/${name} is stale: run \`npm run client:generate\``).toBe(true);
    }
  }, 60_000);
});
