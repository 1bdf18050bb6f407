/**
 * Low resources simulation (0x4, 0x40000) for the allocating DDIs that are not pool allocations:
 * the IRP, system-address mapping, page locking and I/O space mapping routines the Low Resources
 * Simulation page lists. Each fails as the DDI documents its own failure: NULL, or (page locking)
 * an exception. Pool allocations, MDLs and work items are failed in verifiedAllocate (pool.ts), where
 * they are counted as failed pool allocations.
 *
 * Not failed: a mapping the DDI would not make (MmGetSystemAddressForMdlSafe on an MDL already
 * mapped or describing nonpaged pool returns the address it has: no resource is needed), a user-mode
 * mapping, and MmMapLockedPagesSpecifyCache with BugCheckOnFailure (its failure is a bug check, not
 * an answer a driver handles).
 */
import { MDL } from '../../nt/io.ts';
import { MDL_LAYOUT } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import { thunkFrame, thunkRoutines } from './frames.ts';

const KERNEL_MODE = 0;
type Fn = (...a: unknown[]) => unknown;

/**
 * Wrap `ddi`: when `failable(args)` and the injector says so, `fail(vf, args)` answers for the
 * kernel; otherwise the DDI runs.
 */
function failing(ddi: string, fail: (vf: VerifierContext) => unknown, failable: (vf: VerifierContext, args: unknown[]) => boolean = () => true): ThunkFactory {
  return (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, ddi)];
    const thunk = (...args: unknown[]): unknown => {
      const d = vf.driver;
      if (vf.faults.active && failable(vf, args) && vf.faults.shouldFail({ ddi, base: d.base, size: d.size, frames })) return fail(vf);
      return (next as Fn)(...args);
    };
    return thunk as AnyFn;
  };
}

const nullResult = () => 0;
/** MmProbeAndLockPages cannot lock the pages: it raises, and the driver's __try/__except takes it. */
const raiseNoResources = (vf: VerifierContext): never => vf.k.exceptions.raiseFromCaller(STATUS.INSUFFICIENT_RESOURCES);
const mdlFlags = (vf: VerifierContext, mdl: unknown): number => vf.k.as.u16(((mdl as number) >>> 0) + MDL_LAYOUT.off.MdlFlags);

export const lowResourcesThunks: ThunkSet = {
  IoAllocateIrp: failing('IoAllocateIrp', nullResult),
  MmGetSystemAddressForMdlSafe: failing('MmGetSystemAddressForMdlSafe', nullResult, (vf, [mdl]) => !(mdlFlags(vf, mdl) & (MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL))),
  MmMapLockedPagesSpecifyCache: failing('MmMapLockedPagesSpecifyCache', nullResult, (_vf, a) => a[1] === KERNEL_MODE && a[4] === 0),
  MmProbeAndLockPages: failing('MmProbeAndLockPages', raiseNoResources),
  MmProbeAndLockProcessPages: failing('MmProbeAndLockProcessPages', raiseNoResources),
  MmMapIoSpace: failing('MmMapIoSpace', nullResult),
  MmMapIoSpaceEx: failing('MmMapIoSpaceEx', nullResult),
};

export const LOW_RESOURCES_THUNK_ROUTINES = thunkRoutines(lowResourcesThunks);
