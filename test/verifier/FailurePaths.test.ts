/**
 * What the failure paths of the clean samples brought to light (issue 12, `--faults exhaustive`):
 * - POOL_RAISE_IF_ALLOCATION_FAILURE: a failed ExAllocatePoolWithTag raises STATUS_INSUFFICIENT_RESOURCES
 *   instead of returning NULL, injected failure or not.
 * - A failed DriverEntry's image is unloaded with the same checks as an unload (MmUnloadSystemImage):
 *   pool it forgot is 0xC4/0x62, with pool tracking on; off, the driver just does not load.
 * - IoCompleteRequest with STATUS_PENDING is the verifier's 0xC9/0x06, not the kernel's 0x44: the free
 *   kernel only ASSERTs it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetNextIrpStackLocation, SetIoStatus } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { IO_STACK_LOCATION } from '../../src/nt/layout.ts';
import { isMustSucceed, POOL_RAISE_IF_ALLOCATION_FAILURE, POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { execute } from '../../src/debugger/engine.ts';
import { runExhaustive } from '../../src/system/exhaustive.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { fixture } from '../helpers.ts';
import { createDevice, routine, TAG } from '../kernel/support.ts';

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

test('POOL_RAISE_IF_ALLOCATION_FAILURE: an injected failure raises STATUS_INSUFFICIENT_RESOURCES into the caller\'s __except', async () => {
  const lines: string[] = [];
  const driver = fixture('RaiseIfFailure.ts');
  const failed = await runDriver({ driver, verifierFlags: STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES, onDebugPrint: (l) => lines.push(l) });
  assert.equal(failed.bugCheck, null);
  assert.deepEqual(failed.faults!.injected.map((f) => f.ddi), ['ExAllocatePoolWithTag']);
  const plain = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, onDebugPrint: (l) => lines.push(l) });
  assert.equal(plain.bugCheck, null);
  // c000009a: raised, not NULL (which the driver would report as c0000001).
  assert.deepEqual(lines, ['raise=c000009a', 'raise=00000000']);
});

test('POOL_RAISE_IF_ALLOCATION_FAILURE is a flag, not a pool type: the block is of the base type; must-succeed stays must-succeed', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE, 64, TAG);
  assert.equal(k.pool.block(p)!.type, POOL_TYPE.PagedPool);
  assert.equal(isMustSucceed(POOL_TYPE.NonPagedPoolMustSucceed | POOL_RAISE_IF_ALLOCATION_FAILURE), true);
  assert.equal(isMustSucceed(POOL_TYPE.NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE), false);
});

test('a DriverEntry that fails after an allocation and forgets it: 0xC4/0x62 at the image unload, in IopLoadDriver', async () => {
  const driver = fixture('EntryLeak.ts');
  const r = await runExhaustive({ driver, verifierFlags: STANDARD_FLAGS });
  assert.deepEqual(r.baseline, { kind: 'clean' });
  assert.deepEqual(r.runs.map((x) => [x.point.callerSymbol.replace(/\+.*/, ''), x.verdict.kind]), [
    ['EntryLeak!DriverEntry', 'refused'],
    ['EntryLeak!DriverEntry', 'bugcheck'],
  ]);
  const o = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, faults: { target: r.points[1]!.key } });
  const d = o.machine.verifier!.driver('EntryLeak')!;
  assert.deepEqual(o.bugCheck?.params.map(hex), [0x62, d.nameAddress, d.entryAddress, 1].map(hex));
  assert.equal(o.loaded, false);
  const t = new DebugTarget(o.dump);
  const analysis = execute(t, '!analyze -v');
  assert.ok(analysis.includes('DRIVER_VERIFIER_DETECTED_VIOLATION (c4)'));
  assert.ok(analysis.includes('Arg1: 00000062, A driver has forgotten to free its pool allocations prior to unloading.'));
  assert.ok(analysis.includes('Arg4: 00000001, total # of (paged+nonpaged) allocations that weren\'t freed.'));
  const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ')).join('\n');
  assert.match(stack, /nt!VfPoolCheckForLeaks\+0x[0-9a-f]+\n.* nt!MmUnloadSystemImage\+0x[0-9a-f]+\n.* nt!IopLoadDriver\+0x/);
  assert.match(execute(t, '!verifier 3 EntryLeak.sys').join('\n'), /0x[0-9a-f]{8} {2}0x00000020 {2}Leak {2}0x[0-9a-f]{8} {2}EntryLeak!DriverEntry/);
  // Pool tracking off: nothing is tracked, so the refused load is the end of it.
  const off = await runDriver({ driver, verifierFlags: STANDARD_FLAGS & ~VF.POOL_TRACKING, faults: { target: r.points[1]!.key } });
  assert.equal(off.bugCheck, null);
  assert.equal(off.driverEntryStatus, STATUS.INSUFFICIENT_RESOURCES);
});

test('IoCompleteRequest with STATUS_PENDING and no verifier: the IRP completes with that status (only a checked kernel ASSERTs)', () => {
  const k = new Kernel();
  const dispatch = routine(k, 1, (_dev, irp) => {
    SetIoStatus(k.as, irp, STATUS.PENDING, 0);
    k.ddi.IoCompleteRequest(irp, 0);
    return STATUS.PENDING;
  });
  const { device } = createDevice(k, 'Pends', 1, { [IRP_MJ.READ]: dispatch });
  const irp = k.ddi.IoAllocateIrp(1, 0);
  k.as.setU8(IoGetNextIrpStackLocation(k.as, irp) + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.READ);
  assert.equal(hex(k.ddi.IoCallDriver(device, irp)), hex(STATUS.PENDING));
  assert.equal(k.halted, false);
  assert.equal(k.io.isCompleted(irp), true);
});
