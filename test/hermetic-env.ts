/**
 * Loaded before every test (`npm test` passes it with --import): the `dv verifier` state a developer made in
 * the checkout (.dv/, or $DV_HOME) must not change what `dv run` does in the tests. Each test process, and the
 * dv processes it starts, point at a state folder that does not exist: no settings, and nothing written
 * (a run records its counters only where settings were made). The tests of `dv verifier` set their own.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.DV_HOME = join(tmpdir(), `dv-test-no-state-${process.pid}`);
// The tests run the sources: bin/dv.js would otherwise run the compiled bundle when it is up to date (test/cli/Bundle.test.ts tests that).
process.env.DV_SOURCES = '1';
