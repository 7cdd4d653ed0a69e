#!/usr/bin/env node
// The `verity` command: the commands live in src/cli/, one module per group. This file only wires
// what a capability keeps to itself (the verification search over its own store) and sets the exit code.
import { report, runCli } from './cli/main.js';
import { Pseudonyms } from './verifications/pseudonym.js';
import { VerificationSearchStore } from './verifications/search-store.js';
import { VerificationSearch } from './verifications/verification-search.js';

runCli(process.argv.slice(2), {
  // The same key the verifications plugin derives, so a pseudonymized destination is found by `to`.
  search: (app) => new VerificationSearch(new VerificationSearchStore(app.core.database), new Pseudonyms(app.core.derivedKey('destination pseudonyms')), app.core.clock),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exit(report(err));
  },
);
