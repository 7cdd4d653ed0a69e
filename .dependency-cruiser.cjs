/**
 * Import boundaries, checked in CI (npm run boundaries): no import cycle between modules or between
 * capability folders, type imports included, and no capability importing another one's store (a
 * capability calls another's service). Violations that the code still has are listed in
 * .dependency-cruiser-known-violations.json: CI fails on any new one, and the list only shrinks.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Modules that import each other, type imports included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-foreign-store',
      severity: 'error',
      comment: 'A store belongs to its capability: others call its service.',
      from: { path: '^src/([^/]+)/' },
      to: { path: '-store[.]ts$', pathNot: '^src/$1/' },
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
