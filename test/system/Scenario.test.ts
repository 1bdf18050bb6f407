/**
 * Scenario files: steps run in order on one machine, each checked against what it expects (a bug check
 * included); a step that does not give it fails and says what it gave; a bad file is an error naming its
 * line; the committed examples pass and validate against the committed JSON Schema.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseScenario } from '../../src/system/scenario/load.ts';
import { runScenario } from '../../src/system/scenario/run.ts';
import { ROOT } from '../helpers.ts';

/** A scenario written next to the drivers it loads (paths in it are relative to the file). */
function scenario(text: string) {
  return parseScenario(text, join(ROOT, 'drivers', 'c', 'test.yaml'));
}

const MY = 'MyDriver/MyDriver.wasm';
const GOOD_INPUT = '4d794472697665720100000002000000';

test('every expectation met, the expected 0xC4/0x62 at unload included: ok, and each step says what it gave', async () => {
  const o = await runScenario(
    scenario(`
steps:
  - load: ${MY}
  - open: \\Device\\MyDriver
  - ioctl: { code: 0x222003, input: ${GOOD_INPUT}, outputLength: 8, expect: { status: STATUS_SUCCESS, information: 8, output: 4d79447269766572 } }
  - ioctl: { code: 0x222003, input: 4d79, outputLength: 8, expect: { status: STATUS_INVALID_PARAMETER } }
  - close
  - unload: { expect: { bugcheck: 0xC4/0x62 } }
  - shutdown
`),
  );
  assert.equal(o.ok, true, JSON.stringify(o.steps.map((s) => s.failures)));
  assert.deepEqual(
    o.steps.map((s) => [s.line, s.text, s.ran]),
    [
      [3, `load ${MY}`, true],
      [4, 'open \\Device\\MyDriver', true],
      [5, 'ioctl 0x222003', true],
      [6, 'ioctl 0x222003', true],
      [7, 'close', true],
      [8, 'unload', true],
      [9, 'shutdown', false],
    ],
  );
  assert.equal(o.steps[5]!.stopped, 'bugcheck');
  assert.deepEqual([o.bugCheck?.code, o.bugCheck?.params[0]], [0xc4, 0x62]);
});

test('unmet expectations fail their step and say what came instead; an unexpected bug check fails the step it stops in', async () => {
  const o = await runScenario(
    scenario(`
steps:
  - load: ${MY}
  - open: \\Device\\MyDriver
  - ioctl: { code: 0x222003, input: 4d79, outputLength: 8, expect: { status: STATUS_SUCCESS, information: 8 } }
  - ioctl: { code: 0x222003, input: ${GOOD_INPUT}, outputLength: 8, expect: { bugcheck: 0xD6 } }
  - close
  - unload
`),
  );
  assert.equal(o.ok, false);
  assert.deepEqual(o.steps[2]!.failures, ['status STATUS_INVALID_PARAMETER, expected STATUS_SUCCESS', 'information 0, expected 8']);
  assert.deepEqual(o.steps[3]!.failures, ['expected bug check 0xD6; the step ended without one']);
  assert.deepEqual(o.steps[5]!.failures, ['stopped with bug check 0xC4/0x62 DRIVER_VERIFIER_DETECTED_VIOLATION, which the step does not expect']);
});

test('a step that cannot do its work fails and the run goes on: a request with no device open', async () => {
  const o = await runScenario(scenario(`steps:\n  - load: ${MY}\n  - read: { length: 4 }\n  - wait: 1s\n`));
  assert.deepEqual(o.steps[1]!.failures, ['read not sent: no device is open (an open step before it, or one that succeeded)']);
  assert.deepEqual(o.steps[2]!.failures, []);
});

test('a bad scenario file is an error naming its line and what is wrong there', () => {
  const bad: Array<[string, RegExp]> = [
    ['steps:\n  - load: a.wasm\n  - iocttl: { code: 1 }\n', /test\.yaml:3: /],
    ['steps:\n  - load: a.wasm\n  - ioctl: { code: 1, input: xyz }\n', /test\.yaml:3: hex bytes, e\.g\. 00ff10 \(steps\.1\.ioctl\.input\)/],
    ['steps:\n  - load: a.wasm\n  - unload: { expect: { bugcheck: C4 } }\n', /test\.yaml:3: a bug check such as 0xC4\/0x62/],
    ['machine:\n  memory: lots\nsteps:\n  - load: a.wasm\n', /test\.yaml:2: .*\(machine\.memory\)/],
    ['steps: [\n', /test\.yaml:\d+: /],
    ['steps: []\n', /test\.yaml:1: .*steps/],
    ['steps:\n  - load: a.wasm\nsteps:\n  - unload\n', /test\.yaml:3: Map keys must be unique/],
  ];
  for (const [text, why] of bad) assert.throws(() => scenario(text), why, text);
});

test('dv run --scenario: the examples meet every expectation (exit 0), validate against the committed JSON Schema, and JSON files are taken too', () => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs', 'scenario.schema.json'), 'utf8')) as object);
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
  assert.ok(examples.length >= 2);
  for (const f of examples) {
    const file = join(ROOT, 'examples', f);
    assert.ok(validate(parseYaml(readFileSync(file, 'utf8'))), `${f}: ${JSON.stringify(validate.errors)}`);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', '--scenario', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /every expectation met/);
  }
  const dir = mkdtempSync(join(tmpdir(), 'dv-scenario-'));
  const json = join(dir, 's.json');
  writeFileSync(json, JSON.stringify({ steps: [{ load: join(ROOT, 'drivers', 'c', MY) }, { open: '\\Device\\MyDriver' }, { ioctl: { code: '0x222003', input: '4d79', expect: { status: 'STATUS_SUCCESS' } } }] }));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', '--scenario', json], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /s\.json:1: ioctl 0x222003 -> STATUS_INVALID_PARAMETER, 0 bytes {2}FAILED: status STATUS_INVALID_PARAMETER, expected STATUS_SUCCESS/);
  assert.match(r.stdout, /1 step failed \(line 1\)/);
  // The run's own options do not mix with a scenario, which says them itself.
  const mixed = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', '--scenario', json, '--ioctl', '222003'], { encoding: 'utf8' });
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /--ioctl cannot be given with it/);
});
