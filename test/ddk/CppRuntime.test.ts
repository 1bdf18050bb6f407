/**
 * What kernel C++ needs at run time, on the simulated kernel: global objects constructed before
 * DriverEntry and destroyed at unload after DriverUnload (with atexit routines, last registered
 * first); a pure virtual call stopping the machine as the runtime's _purecall does, or returning
 * through the driver's own _purecall; and C++ names in k and !analyze as WinDbg shows them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'cpp', name);

async function run(source: string, defines: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-cpprt-'));
  try {
    const driver = join(dir, source.replace(/\.cpp$/, '.wasm'));
    const built = buildDriver({ sources: [fixture(source)], output: driver, defines });
    assert.ok(built.ok, built.diagnostics);
    const prints: string[] = [];
    const outcome = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l.trimEnd()) });
    return { outcome, prints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('globals are constructed before DriverEntry in order, destroyed after DriverUnload in reverse, atexit routines among them', { skip: NEEDS_CLANG }, async () => {
  const { outcome, prints } = await run('Lifetime.cpp');
  assert.equal(outcome.bugCheck, null);
  assert.ok(outcome.unloaded);
  assert.deepEqual(prints, [
    'ctor First 1',
    'ctor Second 2',
    'DriverEntry after 2 constructors',
    // placement new, default arguments, auto, nullptr and a function template, computed in DriverEntry.
    'placement 42 largest 9 2',
    'DriverUnload',
    'atexit',
    'dtor Second',
    'dtor First',
  ]);
});

test('a pure virtual call stops the machine: 0x139 with FAST_FAIL_FATAL_APP_EXIT, the call through the pure slot on the stack', { skip: NEEDS_CLANG }, async () => {
  const { outcome } = await run('PureCall.cpp');
  assert.deepEqual([hex(outcome.bugCheck!.code), outcome.bugCheck!.params[0]], ['0x139', 7]);
  assert.equal(outcome.bugCheck!.name, 'KERNEL_SECURITY_CHECK_FAILURE');
  const stack = execute(new DebugTarget(outcome.dump), 'k').join('\n');
  // Between Describe and DriverEntry, the constructors clang inlined into DriverEntry (issue 15's inline frames).
  assert.match(stack, /PureCall!_purecall\+0x[0-9a-f]+\n.*PureCall!__cxa_pure_virtual\+0x[0-9a-f]+\n.*PureCall!Base::Describe\+0x[0-9a-f]+\n(?:.*\(Inline Function\)\n)*.*PureCall!DriverEntry\+/);
  assert.match(stack, /-------- PureCall!Base::Base \(Inline Function\)\n.*-------- PureCall!Derived::Derived \(Inline Function\)\n/);
});

test('a driver\'s own _purecall takes the place of the runtime\'s: it returns, and so does the call', { skip: NEEDS_CLANG }, async () => {
  const { outcome } = await run('PureCall.cpp', ['OWN_PURECALL']);
  assert.equal(outcome.bugCheck, null);
  assert.ok(outcome.unloaded === false, 'PureCall has no DriverUnload: it stays loaded');
});

test('k and !analyze -v show C++ names as WinDbg does: namespaces, template arguments, no parameter lists', { skip: NEEDS_CLANG }, async () => {
  const { outcome } = await run('Names.cpp');
  assert.equal(hex(outcome.bugCheck!.code), '0xe2');
  const t = new DebugTarget(outcome.dump);
  const k = execute(t, 'k').map((l) => l.replace(/^\s*[0-9a-f]{2} [0-9a-f]{8} /, ''));
  assert.deepEqual(
    k.filter((l) => l.startsWith('Names!')).map((l) => l.replace(/\+0x[0-9a-f]+$/, '')),
    ['Names!Ns::Box<int>::Fail', "Names!`anonymous namespace'::Helper", 'Names!FreeFunction', 'Names!DriverEntry'],
  );
  const analysis = execute(t, '!analyze -v').join('\n');
  assert.match(analysis, /^SYMBOL_NAME:  Names!Ns::Box<int>::Fail\+0x[0-9a-f]+$/m);
  assert.match(analysis, /^FAULTING_SOURCE_LINE:  test\/fixtures\/cpp\/Names\.cpp\(19\)\+0x[0-9a-f]+$/m);
});

test('template arguments read as MSVC spells them: Ring<unsigned long,16>::Fail', { skip: NEEDS_CLANG }, async () => {
  const { outcome } = await run('TemplateArgs.cpp');
  assert.deepEqual([hex(outcome.bugCheck!.code), outcome.bugCheck!.params[0]], ['0xe2', 16]);
  assert.match(execute(new DebugTarget(outcome.dump), 'k').join('\n'), /TemplateArgs!Ring<unsigned long,16>::Fail\+0x[0-9a-f]+\n.*TemplateArgs!DriverEntry\+/);
});
