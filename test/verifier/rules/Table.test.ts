/**
 * The rule table is the one place that says which rule raises what: every row has its samples (or
 * says why not), a text for every argument, a test that runs it, and docs/checks.md is generated
 * from it and current. Also the pool leak rule, whose samples are the demo's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { argumentTexts } from '../../../src/nt/bugcheck.ts';
import { checksMarkdown, runCommand } from '../../../src/verifier/docs.ts';
import { CHECKS_DOC } from '../../../src/verifier/write-checks-docs.ts';
import { ALL_RULES, RULES } from '../../../src/verifier/rules.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { ROOT } from '../../helpers.ts';
import { assertClean, assertStop, runViolating } from './support.ts';

const testsText = readdirSync(join(ROOT, 'test', 'verifier', 'rules'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(ROOT, 'test', 'verifier', 'rules', f), 'utf8'))
  .join('\n');

test('every rule has a violating sample and a clean twin on disk (or says why it has none), and a test that runs it', () => {
  const pending = ALL_RULES.filter((r) => r.pending).map((r) => r.name);
  assert.deepEqual(pending, [], 'no rule waits for a sample');
  for (const rule of ALL_RULES) {
    if (rule.pending) continue;
    const s = rule.sample!;
    for (const path of [s.violating, s.clean, ...(rule.variants ?? []).map((v) => v.violating)]) {
      assert.ok(existsSync(join(ROOT, path)), `${rule.name}: ${path} exists`);
    }
    assert.ok(testsText.includes(`RULES.${rule.name}`), `${rule.name}: a test under test/verifier/rules reads RULES.${rule.name}`);
  }
});

/** The source of a sample: a built .wasm sample's mark is in its .c. */
const sourceOf = (path: string) => path.replace(/\.wasm$/, '.c');

test("each violating sample marks its violation once; a clean twin has none", () => {
  for (const rule of ALL_RULES) {
    if (!rule.sample || rule.name === 'PoolLeakAtUnload') continue;
    for (const path of [rule.sample.violating, ...(rule.variants ?? []).map((v) => v.violating)].map(sourceOf)) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      // A sample shared by several rules (one IOCTL each) marks each rule's line `// VIOLATION(<rule>)`.
      const own = text.split(`// VIOLATION(${rule.name})`).length - 1;
      const marks = own > 0 ? own : (text.match(/\/\/ VIOLATION/g) ?? []).length;
      assert.equal(marks, 1, `${path}: one // VIOLATION mark${own > 0 ? `(${rule.name})` : ''}`);
    }
    const clean = sourceOf(rule.sample.clean);
    assert.ok(!readFileSync(join(ROOT, clean), 'utf8').includes('// VIOLATION'), `${clean} marks nothing`);
  }
});

test('every rule names itself in !analyze: its Parameter 1 has texts for all four arguments', () => {
  for (const rule of ALL_RULES) {
    const texts = argumentTexts(rule.code, [rule.p1 ?? 0, 0, 0, 0]);
    assert.equal(texts.length, 4);
    assert.ok(!texts[0]![0]!.includes('no description'), `${rule.name}: Arg1 text`);
    for (const [i, t] of texts.entries()) assert.ok(t.join('').length > 0, `${rule.name}: Arg${i + 1} text`);
  }
  const names = ALL_RULES.map((r) => r.name);
  assert.deepEqual(names, [...new Set(names)], 'names are unique');
});

test('docs/checks.md is generated from the table and current (npm run docs:checks rewrites it)', () => {
  assert.ok(existsSync(CHECKS_DOC), 'docs/checks.md exists: run npm run docs:checks');
  assert.equal(readFileSync(CHECKS_DOC, 'utf8'), checksMarkdown(), 'docs/checks.md is stale: run npm run docs:checks');
  for (const rule of ALL_RULES) assert.ok(checksMarkdown().includes(`## ${rule.name}\n`));
});

test("the docs' command line shows the rule firing through the CLI (DoubleFree, with its IOCTL)", () => {
  const rule = RULES.DoubleFree;
  const command = runCommand(rule.sample!.violating, rule.sample!.ioctls);
  assert.equal(command, 'dv run drivers/ts/rules/DoubleFree.ts --ioctl 0x222004:00');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...command.split(' ').slice(1)], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /\*\*\* Fatal System Error: 0x000000c4\n \(0x00000013,0x00000000,0x[0-9A-F]{8},0x00000040\)/);
  assert.match(r.stdout, /DoubleFree\.sys: bug check 0xc4 DRIVER_VERIFIER_DETECTED_VIOLATION: The caller is freeing a pool block that was already freed\./);
});

test('the pool leak rule (Pool Tracking) through its row: MyDriver and its clean twin with the demo requests', async () => {
  const rule = RULES.PoolLeakAtUnload;
  const r = await runViolating(rule);
  const entry = new DebugTarget(r.dump).verifiedDriver('MyDriver.sys')!;
  assertStop(r, rule, { params: [entry.nameAddress, entry.entryAddress, 3] });
  await assertClean(rule);
});
