/**
 * `dv run --sarif`: the log validates against the SARIF 2.1.0 JSON schema (the OASIS schema, as published
 * with Microsoft's SARIF tooling), and each result points where a developer must look: the line of the
 * violating call, or of the allocation a leak came from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { sarifLog } from '../../src/cli/sarif.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
const validate = new (AjvDraft04 as unknown as typeof AjvDraft04.default)({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);

function assertValidSarif(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  message: { text: string };
  locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
  codeFlows?: Array<{ threadFlows: Array<{ locations: unknown[] }> }>;
}
type Log = { runs: Array<{ results: Result[]; tool: { driver: { rules: Array<{ id: string }> } } }> };

const lineOf = (file: string, marker: string) => readFileSync(join(ROOT, file), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

test('a bug check is one result at the violating call, with its rule from the rule table and the stack as a code flow', async () => {
  const outcome = await runDriver({ driver: join(ROOT, 'drivers', 'c', 'rules', 'DoubleFree.wasm'), verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222004, input: Buffer.from([0]), outputLength: 0 }] });
  assert.equal(outcome.bugCheck?.code, 0xc4);
  const log = sarifLog(outcome, '0.1.0') as Log;
  assertValidSarif(log);
  const [result, ...more] = log.runs[0]!.results;
  assert.equal(more.length, 0);
  assert.equal(result!.ruleId, 'DriverVerifier/DoubleFree');
  assert.equal(log.runs[0]!.tool.driver.rules[result!.ruleIndex]!.id, 'DriverVerifier/DoubleFree');
  const at = result!.locations[0]!.physicalLocation!;
  assert.equal(at.artifactLocation.uri, 'drivers/c/rules/DoubleFree.c');
  assert.equal(at.region.startLine, lineOf('drivers/c/rules/DoubleFree.c', '// VIOLATION'));
  assert.ok((result!.codeFlows?.[0]?.threadFlows[0]?.locations.length ?? 0) >= 2);
});

test('the 0x62 leak report is one result per allocation not freed, at the line that allocated it', async () => {
  const outcome = await runDriver({ driver: join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm'), verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222003, input: Buffer.alloc(0), outputLength: 0 }] });
  const log = sarifLog(outcome, '0.1.0') as Log;
  assertValidSarif(log);
  const results = log.runs[0]!.results;
  assert.equal(results.length, outcome.leakCount);
  for (const r of results) {
    assert.equal(r.ruleId, 'DriverVerifier/PoolLeakAtUnload');
    assert.match(r.message.text, /^MyDriver\.sys unloaded without freeing (0x[0-9A-F]+ bytes of pool with tag '.{4}'|an MDL|a work item) at 0x[0-9A-F]+, allocated here \(MyDriver!\w+\+0x[0-9a-f]+\)\.$/);
    const at = r.locations[0]!.physicalLocation!;
    assert.match(at.artifactLocation.uri, /^drivers\/c\/MyDriver\/\w+\.c$/);
    assert.match(readFileSync(join(ROOT, at.artifactLocation.uri), 'utf8').split('\n')[at.region.startLine - 1]!, /Allocate/);
  }
});

test('a clean run is a valid log with no results that still lists the rules checked; dv run --sarif writes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-sarif-'));
  const file = join(dir, 'run.sarif');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', join(ROOT, 'drivers', 'c', 'MyDriverClean', 'MyDriverClean.wasm'), '--ioctl', '222003', '--sarif', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const log = JSON.parse(readFileSync(file, 'utf8')) as Log;
  assertValidSarif(log);
  assert.equal(log.runs[0]!.results.length, 0);
  assert.ok(log.runs[0]!.tool.driver.rules.some((d) => d.id === 'DriverVerifier/PoolLeakAtUnload'));
});
