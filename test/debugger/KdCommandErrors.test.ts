/**
 * The new kd commands on bad input: kd's error text with an error status, never an exception; the
 * reads of dumped memory tell a page of zeros from a page the dump does not hold; `.lines` and
 * `.frame` keep their state between commands; tab completion offers commands, symbols and types.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { COMMANDS, execute, interpret } from '../../src/debugger/engine.ts';
import { complete } from '../../src/debugger/complete.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver } from '../helpers.ts';

const r = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
const t = new DebugTarget(r.dump);
const one = (cmd: string) => execute(t, cmd).join('\n');
const leak = r.dump.verifier!.drivers[0]!.allocations.find((a) => a.kind === 'pool')!;

test('bad addresses, counts, types and arguments: kd text with an error status', () => {
  const error = (line: string, output: string) => assert.deepEqual(interpret(t, line), { output: [output], status: 'error' });
  error('db zz', "Couldn't resolve error at 'zz'");
  error('db Ghost!Nothing', "Couldn't resolve error at 'Ghost!Nothing'");
  error('dd 1000 L zz', "Couldn't resolve error at 'zz'");
  error('dd 1000 L0', "Range error in '1000 L0': the count must be 1 to 0x10000");
  error('dd 1000 L10001', "Range error in '1000 L10001': the count must be 1 to 0x10000");
  error('dt', 'Usage: dt [nt!]_TYPE [Address] [-r[Depth]]');
  error('dt nt!_NOSUCH', 'Symbol nt!_NOSUCH not found.');
  error('!pool', 'Usage: !pool Address [Flags]');
  error('x nt', 'Usage: x Module!Pattern');
  error('!irql 5', "Processor 5 is not one of the machine's 1.");
  error('.frame 20', 'Frame 20 does not exist: the stack has 7 frames.');
  error('.lines -q', 'Usage: .lines [-e|-d|-t]');
  error('lsa', 'Usage: lsa Address|.');
  error('!analyze -show', 'Usage: !analyze -show Code [P1 [P2 [P3 [P4]]]]');
  assert.equal(one('dt _IRP 10'), 'Memory read error 00000010');
  assert.equal(one('!thread 10'), '00000010 is not a thread object');
  assert.equal(one('x Ghost!*'), "Couldn't resolve 'Ghost!*'");
});

test('a symbol is an address: db MyDriver!DriverEntry+0x2 reads the image two bytes in', () => {
  const entry = r.dump.modules[1]!.symbols.functions.find((f) => f.name === 'DriverEntry')!.start;
  assert.equal(one('db MyDriver!DriverEntry+0x2 L1').split('  ')[0], (entry + 2).toString(16));
  assert.equal(one('db MyDriver!DriverEntry+2 L1'), one(`db ${(entry + 2).toString(16)} L1`));
});

test('a committed page of zeros reads as zeros; a page the dump does not hold as ??', () => {
  // The leaked whole-page block was never written: its pages are zero, so the dump lists them as a zero run.
  assert.ok(r.dump.zeroPages!.some(([va, n]) => leak.address >= va && leak.address < va + n * 0x1000), 'the leaked block is in a zero run');
  assert.equal(one(`dd ${leak.address.toString(16)} L1`), `${leak.address.toString(16)}  00000000`);
  assert.equal(one('dd 1000 L1'), '00001000  ????????');
  assert.equal(one('dq 1000 L1'), '00001000  ?????????????????');
});

test('.lines and .frame keep their state between commands', () => {
  const s = new DebugTarget(r.dump);
  assert.equal(execute(s, '.lines').join(), 'Line number information will be loaded');
  assert.equal(s.sourceLines, true);
  assert.equal(execute(s, '.lines').join(), 'Line number information will not be loaded');
  execute(s, '.frame 3');
  assert.equal(execute(s, '.frame').join(), execute(s, '.frame 3').join());
  assert.match(execute(s, '.frame').join(), /^03 /);
});

test('tab completion: command names, module!function, dt type names', () => {
  assert.deepEqual(complete(t, '!poo'), [['!pool', '!poolused'], '!poo']);
  assert.deepEqual(complete(t, '.fr'), [['.frame'], '.fr']);
  assert.deepEqual(complete(t, 'ln MyDriver!Dev'), [['MyDriver!DeviceControlDispatch'], 'MyDriver!Dev']);
  assert.deepEqual(complete(t, 'db MyD'), [['MyDriver!'], 'MyD']);
  assert.deepEqual(complete(t, 'dt _IRP'), [['_IRP'], '_IRP']);
  assert.deepEqual(complete(t, 'dt nt!_DEVICE_O'), [['nt!_DEVICE_OBJECT'], 'nt!_DEVICE_O']);
  assert.deepEqual(complete(t, 'ln Ghost!x'), [[], 'Ghost!x']);
});

test('.help knows every command of the table by its name and its aliases', () => {
  for (const c of COMMANDS) {
    for (const n of [c.name, ...(c.aliases ?? [])]) assert.equal(execute(t, `.help ${n}`)[0], c.syntax, `.help ${n}`);
  }
});

test('property: every command of the table, with any arguments, answers with lines of text', () => {
  const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const odd = fc.constantFrom('\u2028', '\0', '`', '!', 'L', 'L?', '-r', '-r99', '.', '0n', 'ffffffff', leak.address.toString(16), 'MyDriver!', 'MyDriver!DriverEntry+', '*', '?', ' ');
  const arg = fc.array(fc.oneof(odd, fc.string({ maxLength: 6 })), { maxLength: 5 }).map((parts) => parts.join(' '));
  fc.assert(
    fc.property(fc.constantFrom(...names), arg, (name, rest) => {
      const out = execute(new DebugTarget(r.dump), `${name} ${rest}`);
      assert.ok(Array.isArray(out) && out.every((l) => typeof l === 'string'));
    }),
    { numRuns: 3000, seed: 15 },
  );
});
