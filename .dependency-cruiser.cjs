/**
 * Import boundaries, checked in CI (npm run boundaries): no import cycle between modules or between
 * capability folders, type imports included, and no capability importing another one's store (a
 * capability calls another's service); the typed client (packages/client) imports no Node built-in
 * and nothing of the server. scripts/boundaries.mjs adds the folder cycles and fails CI
 * on any violation.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Modules that import each other, type imports included.',
      from: { path: '^(src|packages/[^/]+/src)/' },
      to: { circular: true },
    },
    {
      name: 'no-foreign-store',
      severity: 'error',
      comment: 'A store belongs to its capability: others call its service.',
      from: { path: '^src/([^/]+)/' },
      to: { path: '-store[.]ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'kernel-imports-nothing',
      severity: 'error',
      comment: 'The kernel holds the domain types every capability shares; it depends on none of them.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'client-is-portable',
      severity: 'error',
      comment: 'The typed client runs in browsers, Deno and Bun as well as Node: fetch and WebCrypto only, no Node built-in.',
      from: { path: '^packages/client/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment: 'The client is published on its own: it reaches the server over HTTP, never through its modules.',
      from: { path: '^packages/' },
      to: { path: '^(src|test|scripts|bench|sim)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
