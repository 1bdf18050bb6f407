/**
 * `dv` and `.frame N`: the parameters and locals of a frame, from the image's DWARF and the dump.
 *
 * The Locals fixture stops with its own bug check in Verify, called from Tally, whose address-taken
 * locals live in its stack frame: `dv` reads them at the frame base the call probes recorded. Values
 * in wasm locals are `<value unavailable>` (WinDbg's text for a value optimized away): no dump holds
 * the engine's locals. The seed demo's C driver keeps everything in wasm locals at -O2. TypeScript
 * drivers and the kernel have no private symbols: kd's dbgerr005 text.
 *
 * Layout decisions (Microsoft's dv page documents the flags, not the columns): names right-aligned to
 * the longest; `/i` first (`prv param`, `prv local`), then `/v`'s location (8 hex digits, or
 * `@wasm_local N`), then `/t`'s type left-aligned to the longest, each column two spaces apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { complete } from '../../src/debugger/complete.ts';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump, serializeDump } from '../../src/debugger/dump.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { NO_PRIVATE_SYMBOLS } from '../../src/debugger/commands/dv.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { formatTag } from '../../src/nt/pool.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, driver, ROOT } from '../helpers.ts';

const run = (t: DebugTarget, cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';
const target = async (image: string, ioctls: typeof DEMO_IOCTLS = []) => {
  const r = await runDriver({ driver: image, verifierFlags: STANDARD_FLAGS, ioctls });
  // Through the file format: what `dv kd -z` reads.
  return { r, t: new DebugTarget(parseDump(serializeDump(r.dump), 'locals.dmp')) };
};

const fixture = await target(join(ROOT, 'test', 'fixtures', 'c', 'locals', 'Locals.wasm'));
const frameOf = (t: DebugTarget, name: string) => execute(t, 'kn').findIndex((l) => l.includes(`Locals!${name}+`)) - 1;

test('the Locals fixture stops in Verify called from Tally; the dump keeps each wasm frame\'s base', () => {
  const { t } = fixture;
  assert.equal(t.dump.bugCheck?.code, 0xdead10ca);
  const bases = t.dump.context!.frameBases!;
  assert.equal(bases.length, t.dump.context!.stack.length);
  const tally = frameOf(t, 'Tally');
  assert.ok(tally > 0 && bases[tally]! > 0, 'Tally made a call: its frame base is known');
  // Kernel frames have none.
  assert.equal(bases[0], 0);
});

test('.frame N + dv /t /v on Tally: the frame\'s memory locals with their values, wasm locals unavailable (golden)', () => {
  const { t } = fixture;
  const tally = frameOf(t, 'Tally');
  const verify = frameOf(t, 'Verify');
  execute(t, `.frame ${tally}`);
  const values = execute(t, 'dv /v values')[0]!.split(/\s+/)[0]!;
  const text = run(t, ['.lines -e', 'kn', `.frame ${tally}`, 'dv /t /v', `dd ${values} L4`, 'dv', 'dv /i *a*', `.frame ${verify}`, 'dv /i /t /v', '.frame']);
  assert.match(text, /name = struct _UNICODE_STRING "\\Device\\Locals"/);
  assert.match(text, /values = unsigned long \[4\]/);
  assert.match(text, /label = char \[8\] "tally"/);
  assert.match(text, /mode = LocalsCounting \(0n1\)/);
  assert.match(text, /balance = 0n-112/);
  assert.match(text, /DriverObject = <value unavailable>/);
  assert.match(text, new RegExp(`${values}  00000010 00000020 00000030 00000040`));
  assert.match(text, /prv local {2}[0-9a-f]{8} {7}unsigned long +verifyCalls = 0x1/);
  // Verify's bug check passed the addresses of Tally's `state` and `values`: where dv located them.
  execute(t, `.frame ${tally}`);
  const address = (name: string) => Number.parseInt(execute(t, `dv /v ${name}`)[0]!.split(/\s+/)[0]!, 16);
  assert.deepEqual([address('state'), address('values')], [t.dump.bugCheck!.params[0], t.dump.bugCheck!.params[1]]);
  assertGolden('kd.locals.out', text);
});

test('a stop in the middle of a function (a freed pool read): the faulting frame\'s base is the stack pointer as it stopped (golden)', async () => {
  const { t } = await target(join(ROOT, 'test', 'fixtures', 'c', 'locals', 'LocalsFault.wasm'));
  assert.equal(t.dump.bugCheck?.code, 0xd5);
  const fill = execute(t, 'kn').findIndex((l) => l.includes('LocalsFault!Fill+')) - 1;
  execute(t, `.frame ${fill}`);
  const counts = execute(t, 'dv /v counts')[0]!.split(/\s+/)[0]!;
  const text = run(t, ['.lines -e', 'kn', `.frame ${fill}`, 'dv /i /t /v', `dd ${counts} L4`]);
  assert.match(text, /name = struct _UNICODE_STRING "\\Device\\LocalsFault"/);
  assert.match(text, new RegExp(`${counts}  00000100 00000101 00000102 00000103`));
  assertGolden('kd.locals-fault.out', text);
});

test('.frame keeps its row; dv follows the selected frame, and the kernel\'s frames have no private symbols', () => {
  const { t } = fixture;
  execute(t, '.frame 0');
  assert.deepEqual(execute(t, 'dv'), NO_PRIVATE_SYMBOLS);
  const tally = frameOf(t, 'Tally');
  assert.match(execute(t, `.frame ${tally.toString(16)}`)[0]!, /^0\d [0-9a-f]{8} Locals!Tally\+0x[0-9a-f]+( \[.*\])?$/);
  assert.ok(execute(t, 'dv').some((l) => /^ +name = /.test(l)));
});

test('a dump without frame bases (an older dump) still loads: memory locals are then unavailable, constants still shown', () => {
  const { t } = fixture;
  const { frameBases: _, ...context } = t.dump.context!;
  const old = new DebugTarget(parseDump(serializeDump({ ...t.dump, context }), 'old.dmp'));
  execute(old, `.frame ${frameOf(old, 'Tally')}`);
  const text = execute(old, 'dv').join('\n');
  assert.match(text, /name = <value unavailable>/);
  assert.match(text, /balance = 0n-112/);
  // And a dump without the locals table: the module has no private symbols.
  const modules = t.dump.modules.map(({ symbols: { locals: _l, ...symbols }, ...m }) => ({ ...m, symbols }));
  const bare = new DebugTarget(parseDump(serializeDump({ ...t.dump, modules }), 'bare.dmp'));
  execute(bare, `.frame ${frameOf(bare, 'Tally')}`);
  assert.deepEqual(execute(bare, 'dv'), NO_PRIVATE_SYMBOLS);
});

test('dv: bad flags and extra words get kd\'s usage text; a pattern matching nothing prints nothing', () => {
  const { t } = fixture;
  execute(t, `.frame ${frameOf(t, 'Tally')}`);
  assert.match(execute(t, 'dv /x').join('\n'), /Invalid flag '\/x'/);
  assert.match(execute(t, 'dv a b').join('\n'), /Usage: dv/);
  assert.deepEqual(execute(t, 'dv nosuch*'), []);
  assert.deepEqual(execute(t, 'dv NAME').map((l) => l.trim()), ['name = struct _UNICODE_STRING "\\Device\\Locals"']);
});

test('tab completion after dv: the current frame\'s variable names', () => {
  const { t } = fixture;
  execute(t, `.frame ${frameOf(t, 'Tally')}`);
  assert.deepEqual(complete(t, 'dv /t va'), [['values'], 'va']);
  assert.deepEqual(complete(t, 'd'), [complete(t, 'd')[0], 'd']);
  assert.ok(complete(t, 'd')[0].includes('dv'));
});

test('dv demo --lang c: the stop is in the kernel (no private symbols); on the work item\'s allocation stack MyDriver\'s locals are mostly unavailable at -O2 (golden)', async () => {
  const { r, t } = await target(join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm'), DEMO_IOCTLS);
  const workItem = r.leaks.find((a) => formatTag(a.tag) === 'Vfwi')!;
  // A dump stopped inside IoAllocateWorkItem would have this stack: the allocation's, as the verifier recorded it (no frame bases).
  const atCall = new DebugTarget({ ...t.dump, context: { ...t.dump.context!, stack: workItem.stack } });
  const frames = execute(atCall, 'kn');
  const dispatch = frames.findIndex((l) => /MyDriver!DeviceControlDispatch\+/.test(l)) - 1;
  const inline = frames.findIndex((l) => /MyDriver!GetNecessaryObjects \(Inline Function\)/.test(l)) - 1;
  const text = run(t, ['dv']) + run(atCall, ['kn', `.frame ${inline}`, 'dv /i /t', `.frame ${dispatch}`, 'dv /i /t /v']);
  assert.match(text, /Irp = <value unavailable>/);
  assertGolden('kd.c-demo.dv.out', text);
});

test('dv on the TypeScript demo: its driver has no DWARF, so kd\'s text for a module without private symbols', async () => {
  const { r, t } = await target(driver('MyDriver.ts'), DEMO_IOCTLS);
  const atCall = new DebugTarget({ ...t.dump, context: { ...t.dump.context!, stack: r.leaks[0]!.stack } });
  const i = execute(atCall, 'kn').findIndex((l) => /MyDriver!/.test(l)) - 1;
  execute(atCall, `.frame ${i}`);
  assert.deepEqual(execute(atCall, 'dv'), NO_PRIVATE_SYMBOLS);
  assert.deepEqual(execute(t, 'dv'), NO_PRIVATE_SYMBOLS);
});

test('a dump whose locals table is odd but valid (a scope naming a parent it does not have, a type index past the table) gets text, not a crash', () => {
  const { t } = fixture;
  const modules = t.dump.modules.map((m) =>
    m.symbols.locals
      ? { ...m, symbols: { ...m.symbols, locals: { types: [], scopes: m.symbols.locals.scopes.map((s) => ({ ...s, parent: s.parent >= 0 ? 9999 : -1, variables: s.variables.map((v) => ({ ...v, type: 77 })) })) } } }
      : m,
  );
  const odd = new DebugTarget(parseDump(serializeDump({ ...t.dump, modules }), 'odd.dmp'));
  execute(odd, `.frame ${frameOf(odd, 'Tally')}`);
  for (const c of ['dv', 'dv /i /t /v']) assert.ok(execute(odd, c).every((l) => / = <value unavailable>$/.test(l)), c);
});
