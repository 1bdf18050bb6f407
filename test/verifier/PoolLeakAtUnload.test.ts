/**
 * Pool tracking's unload check (0xC4 / 0x62): a driver that unloads with pool, MDLs or work items
 * outstanding stops the machine; one that frees everything unloads silently.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTag } from '../../src/nt/pool.ts';
import { UNICODE_STRING } from '../../src/nt/layout.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { driver, hex } from '../helpers.ts';

/** Read a UNICODE_STRING out of a dump's memory. */
function unicodeStringAt(t: DebugTarget, address: number): string {
  const lengthWord = t.u32(address + UNICODE_STRING.off.Length)!;
  const buffer = t.u32(address + UNICODE_STRING.off.Buffer)!;
  let s = '';
  for (let i = 0; i < (lengthWord & 0xffff) / 2; i += 2) {
    const w = t.u32(buffer + 2 * i)!;
    s += String.fromCharCode(w & 0xffff);
    if (i + 1 < (lengthWord & 0xffff) / 2) s += String.fromCharCode(w >>> 16);
  }
  return s;
}

test('MyDriver leaks its buffer, MDL and work item on the short-input path: 0xC4/0x62 with Arg4 = 3', async () => {
  const r = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  assert.ok(r.bugCheck, 'expected a bug check');
  assert.equal(hex(r.bugCheck.code), '0xc4');
  const [p1, p2, p3, p4] = r.bugCheck.params as [number, number, number, number];
  assert.equal(hex(p1), '0x62');
  assert.equal(p4, 3, 'Arg4 counts the unfreed allocations');

  const t = new DebugTarget(r.dump);
  const entry = t.verifiedDriver('MyDriver.sys')!;
  assert.equal(hex(p2), hex(entry.nameAddress), 'Arg2 is the driver name');
  assert.equal(unicodeStringAt(t, p2), 'MyDriver.sys');
  assert.equal(hex(p3), hex(entry.entryAddress), 'Arg3 is the verifier entry for the driver');

  const leaks = r.leaks.map((a) => `${formatTag(a.tag)} ${hex(a.size)} ${t.functionName(a.caller)}`);
  assert.deepEqual(leaks.sort(), [
    'VMdl 0x20 MyDriver!DeviceControlDispatch',
    'Vfwi 0x30 MyDriver!GetNecessaryObjects',
    'mdrv 0x1008 MyDriver!DeviceControlDispatch',
  ]);
  assert.equal(entry.nonPaged.current, 3);
  assert.equal(hex(entry.nonPaged.currentBytes), '0x1058');
});

test('each leak keeps the stack of its allocation, down to the I/O request that made it', async () => {
  const r = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  const t = new DebugTarget(r.dump);
  const mdl = r.leaks.find((a) => formatTag(a.tag) === 'VMdl')!;
  const frames = mdl.stack.map((pc) => t.symbol(pc).replace(/\+0x[0-9a-f]+$/, ''));
  assert.deepEqual(frames, [
    'nt!IovAllocateMdl',
    'nt!VerifierIoAllocateMdl',
    'MyDriver!DeviceControlDispatch',
    'MyDriver!NonPNPIRPDispatch',
    'MyDriver!AllIRPDispatch',
    'nt!IofCallDriver',
    'nt!IopSynchronousServiceTail',
    'nt!IopXxxControlFile',
    'nt!NtDeviceIoControlFile',
  ]);
  assert.equal(mdl.thread, r.machine.kernel.userThread.address, 'allocated on the requesting thread');
});

test('the clean twin frees everything: no bug check, nothing tracked (no false positive)', async () => {
  const r = await runDriver({ driver: driver('MyDriverClean.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.leaks, []);
  assert.deepEqual(r.requests.map((q) => hex(q.status)), ['0x0', '0x0', '0x0', '0xc000000d']);
  const entry = new DebugTarget(r.dump).verifiedDriver('MyDriverClean.sys')!;
  assert.equal(entry.state, 'Unloaded');
  assert.equal(entry.nonPaged.current + entry.paged.current, 0);
});

test('without Pool Tracking (flag 0x8) the leak is not checked at unload', async () => {
  const r = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: VF.SPECIAL_POOL | VF.FORCE_IRQL_CHECKING, ioctls: DEMO_IOCTLS });
  assert.equal(r.bugCheck, null);
});

test('an unverified driver leaks silently, as on Windows without Driver Verifier', async () => {
  const r = await runDriver({ driver: driver('MyDriver.ts'), ioctls: DEMO_IOCTLS });
  assert.equal(r.bugCheck, null);
  assert.equal(r.dump.verifier, null);
});

test('a request that succeeds leaves nothing behind: the good path frees in its work item', async () => {
  const r = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS.slice(0, 3) });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => Buffer.from(q.output).toString()), ['MyDriver', 'MyDriver', 'MyDriver']);
});

test('the run is deterministic: the same inputs give the same bug check and addresses', async () => {
  const a = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  const b = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  assert.deepEqual(a.bugCheck, b.bugCheck);
  assert.deepEqual(a.leaks, b.leaks);
});
