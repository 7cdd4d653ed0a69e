/**
 * Import boundaries, checked in CI (npm run boundaries): no import cycle between modules or between
 * capability folders, type imports included, and no capability importing another one's store (a
 * capability calls another's service). scripts/boundaries.mjs adds the folder cycles and fails CI
 * on any violation.
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
    {
      name: 'kernel-imports-nothing',
      severity: 'error',
      comment: 'The kernel holds the domain types every capability shares; it depends on none of them.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
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
