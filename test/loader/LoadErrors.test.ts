/** A driver that cannot load, throws or hangs gets a clear error, and the run loses nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { SimulatorError, UnresolvedImportError } from '../../src/kernel/errors.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { sourceLine } from '../../src/kernel/symbols.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { fixture, hex } from '../helpers.ts';

test('a driver importing a DDI the kernel lacks fails to load, naming the routine', async () => {
  await assert.rejects(runDriver({ driver: fixture('ImportsMissingDdi.ts'), ioctls: [] }), (e: unknown) => {
    assert.ok(e instanceof UnresolvedImportError);
    assert.match(e.message, /ImportsMissingDdi\.sys imports IoFrobnicateDevice, which the simulated kernel does not export/);
    return true;
  });
});

test('a host exception in driver code is KMODE_EXCEPTION_NOT_HANDLED with the faulting driver address', async () => {
  const r = await runDriver({ driver: fixture('ThrowsInDriverEntry.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x1e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc0000144');
  const ctx = r.dump.context!;
  // The driver's TypeError comes from its own realm: it keeps its name and the line that threw it.
  assert.equal(ctx.exception!.message, 'TypeError: cannot read properties of undefined (reading DeviceExtension)');
  const m = r.dump.modules.find((x) => x.name === 'ThrowsInDriverEntry')!;
  const at = r.bugCheck!.params[1]!;
  assert.ok(at >= m.base && at < m.base + m.size, `Arg2 ${hex(at)} lies in the driver image`);
  assert.equal(sourceLine(r.dump.modules, at)?.line, 6, 'Arg2 is the throw statement');
});

test('a wait that nothing can satisfy ends the run as a hang, naming the thread and object', async () => {
  const r = await runDriver({ driver: fixture('WaitsForever.ts'), ioctls: [] });
  assert.equal(r.bugCheck, null);
  assert.match(r.hang!.reason, /waits forever on object [0-9a-f]{8}: nothing left to run can signal it/);
  assert.equal(hex(r.dump.bugCheck!.code), '0xe2', 'the forced dump of a hung machine: MANUALLY_INITIATED_CRASH');
  assert.equal(r.dump.context!.hang!.reason, r.hang!.reason);
});

test('a loop that never ends is reported with its location instead of hanging the run', async () => {
  const r = await runDriver({ driver: fixture('LoopsForever.ts'), ioctls: [], limits: { runawayBackEdges: 100_000 } });
  assert.equal(r.bugCheck, null);
  assert.match(r.hang!.reason, /^LoopsForever!DriverEntry\+0x[0-9a-f]+ \(test\/fixtures\/drivers\/LoopsForever\.ts\(6\)\) looped 100000 times at PASSIVE_LEVEL without waiting or returning to the kernel/);
  const top = r.dump.context!.stack[0]!;
  assert.match(new DebugTarget(r.dump).symbol(top), /^LoopsForever!DriverEntry\+0x/, 'the loop is the innermost frame of the forced dump');
});

test('a loop in module-level code, before DriverEntry, is a hang naming its line', async () => {
  const r = await runDriver({ driver: fixture('LoopsAtTopLevel.ts'), ioctls: [], limits: { runawayBackEdges: 100_000 } });
  assert.match(r.hang!.reason, /^LoopsAtTopLevel\+0x[0-9a-f]+ \(test\/fixtures\/drivers\/LoopsAtTopLevel\.ts\(5\)\) looped 100000 times/);
  assert.ok(r.dump.modules.some((m) => m.name === 'LoopsAtTopLevel'), 'the image is in the forced dump');
});

test('a module without DriverEntry is not a driver', async () => {
  await assert.rejects(runDriver({ driver: fixture('NoEntryPoint.ts'), ioctls: [] }), (e: unknown) => e instanceof SimulatorError && /has no DriverEntry/.test(e.message));
});

test('a missing driver file is a clear error', async () => {
  await assert.rejects(runDriver({ driver: fixture('DoesNotExist.ts'), ioctls: [] }), (e: unknown) => e instanceof SimulatorError && /cannot read driver/.test(e.message));
});

test('an unknown image type is a clear error', async () => {
  await assert.rejects(runDriver({ driver: fixture('driver.exe'), ioctls: [] }), (e: unknown) => e instanceof SimulatorError && /unknown driver image type '\.exe'/.test(e.message));
});
