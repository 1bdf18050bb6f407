/**
 * `!ruleinfo RuleId [RuleState [SubState]]`: a DDI compliance rule explained from the rule table,
 * in the layout of kd's extension (RULE_ID, RULE_NAME, RULE_DESCRIPTION, MSDN_LINK, RULE_STATE).
 * Pinned as text on the dump of a SpinLock stop, with the state arguments `!analyze -v` points to.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { execute, interpret } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { DDI_RULE_TABLE } from '../../src/nt/ddi-rules.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { RULES } from '../../src/verifier/rules.ts';
import { assertGolden, ROOT } from '../helpers.ts';

const rule = RULES.SpinLock;
const outcome = await runDriver({
  driver: join(ROOT, rule.sample!.violating),
  verifierFlags: STANDARD_FLAGS,
  ioctls: rule.sample!.ioctls.map((c) => ({ code: Number(c), input: Buffer.alloc(0), outputLength: 0 })),
});
const target = new DebugTarget(outcome.dump);
const run = (cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(target, c)].join('\n')).join('\n') + '\n';

test('!ruleinfo of the stop (with its rule state) and of an IRQL rule', () => {
  const [p1, , p3, p4] = outcome.bugCheck!.params;
  assert.equal(p1, 0x40009);
  assertGolden('ruleinfo.out', run([`!ruleinfo 0x${p1!.toString(16)} 0x${p3!.toString(16)} 0x${p4!.toString(16)}`, '!ruleinfo 0x20005', '!ruleinfo 2001f']));
});

test('every rule of the table is explained: its ID, name and a description', () => {
  for (const r of DDI_RULE_TABLE) {
    const out = execute(target, `!ruleinfo 0x${r.id.toString(16)}`);
    assert.equal(out[0], `RULE_ID: 0x${r.id.toString(16)}`);
    assert.equal(out[1], `RULE_NAME: ${r.name}`);
    assert.equal(out[2], 'RULE_DESCRIPTION:');
    assert.ok(out[3]!.length > 20);
  }
});

test('a bad RuleId is a usage error, never a crash: missing, below 0x10000, unknown, not a number', () => {
  for (const [args, text] of [
    ['', /^Usage: !ruleinfo RuleId/],
    ['0x62', /not a DDI compliance rule ID \(rule IDs start at 0x10000\)/],
    ['0x20001', /no rule has ID 0x20001/],
    ['zz', /Couldn't resolve error at 'zz'/],
  ] as const) {
    const r = interpret(target, `!ruleinfo ${args}`);
    assert.equal(r.status, 'error', args);
    assert.match(r.output.join('\n'), text);
  }
});
