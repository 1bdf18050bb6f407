/**
 * Inline frames: clang -O2 inlines MyDriver.c's GetNecessaryObjects into DeviceControlDispatch (and
 * NonPNPIRPDispatch into AllIRPDispatch). The loader reads DW_TAG_inlined_subroutine, so `ln` and
 * `!verifier 3`'s caller name the inlined function and its line, and `k` lists an inline frame for
 * each inlined call, as WinDbg does. TypeScript drivers have no inlining: their output is unchanged
 * (the demo goldens).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { describeModule } from '../../src/loader/wasm/module-info.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { formatTag } from '../../src/nt/pool.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, ROOT } from '../helpers.ts';

const image = join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm');
const run = (t: DebugTarget, cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';

test('the loader reads the inlined calls: GetNecessaryObjects at handleioctl.c line 29, CompleteRequest nested in NonPNPIRPDispatch', () => {
  const sites = describeModule(readFileSync(image)).symbols.inlines!;
  const get = sites.filter((s) => s.name === 'GetNecessaryObjects');
  assert.deepEqual(get.map((s) => [s.depth, s.callLine, s.end - s.start]), [[0, 29, 10]]);
  const nested = sites.filter((s) => s.name === 'CompleteRequest');
  assert.ok(nested.length > 0 && nested.every((s) => s.depth === 1), 'CompleteRequest is inlined one level down');
  // Each nested range lies in a range of the site around it.
  for (const n of nested) assert.ok(sites.some((o) => o.name === 'NonPNPIRPDispatch' && o.start <= n.start && n.end <= o.end));
});

const r = await runDriver({ driver: image, verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
const t = new DebugTarget(parseDump(serializeDump(r.dump), 'c-demo.dmp'));
const workItem = r.leaks.find((a) => formatTag(a.tag) === 'Vfwi')!;
const hex = (n: number) => n.toString(16);

test('dv demo --lang c: !verifier 3 names GetNecessaryObjects as the work item\'s caller, the others stay DeviceControlDispatch\'s', () => {
  const text = execute(t, '!verifier 3 MyDriver.sys').join('\n');
  assert.match(text, /Vfwi {2}0x[0-9a-f]{8} {2}MyDriver!GetNecessaryObjects$/m);
  assert.match(text, /mdrv {2}0x[0-9a-f]{8} {2}MyDriver!DeviceControlDispatch$/m);
  assert.match(text, /VMdl {2}0x[0-9a-f]{8} {2}MyDriver!DeviceControlDispatch$/m);
});

test('ln on the work item\'s caller: its line in GetNecessaryObjects, the function inlined, where it was inlined', () => {
  const lines = execute(t, `ln ${hex(workItem.caller)}`);
  assert.match(lines[0]!, /^drivers\/c\/MyDriver\/handleioctl\.c\(51\)\+0x[0-9a-f]+$/);
  assert.match(lines[1]!, /^\([0-9a-f]{8}\) {3}MyDriver!GetNecessaryObjects\+0x[0-9a-f]+ {3}\| {2}\([0-9a-f]{8}\) {3}MyDriver!ProcessRequestWorker$/);
  assert.match(lines[2]!, /^Inlined into MyDriver!DeviceControlDispatch\+0x[0-9a-f]+, called from line 29$/);
});

test('k lists inline frames: the work item\'s allocation stack as the stopped thread\'s (GetNecessaryObjects, NonPNPIRPDispatch inline)', () => {
  // A dump stopped inside IoAllocateWorkItem would have this stack: the allocation's, as the verifier recorded it.
  const atCall = new DebugTarget({ ...t.dump, context: { ...t.dump.context!, stack: workItem.stack } });
  const text = run(atCall, ['.lines -e', 'k', '.frame 2', 'lsa .', '.frame 3', 'lsa .', 'ln 9a3b1417']);
  assert.match(text, /\n02 -------- MyDriver!GetNecessaryObjects \(Inline Function\) \[drivers\/c\/MyDriver\/handleioctl\.c @ 51\]\n03 [0-9a-f]{8} MyDriver!DeviceControlDispatch\+0x[0-9a-f]+ \[drivers\/c\/MyDriver\/handleioctl\.c @ 29\]\n/);
  assert.match(text, /-------- MyDriver!NonPNPIRPDispatch \(Inline Function\)/);
  assertGolden('kd.c-inline.out', text);
});
