/**
 * MDL thunks: the flag checks Driver Verifier makes on the memory manager's MDL routines (0xC4 /
 * 0xB0-0xB6). The flag sets are the ones the memory manager itself asserts on a checked build:
 * - probe and lock: none of LOCKED, MAPPED, NONPAGED POOL, PARTIAL, IO SPACE may be set;
 * - map into system space: none of MAPPED, NONPAGED POOL, PARTIAL HAS BEEN MAPPED; and at least one
 *   of PAGES_LOCKED, PARTIAL (whatever the access mode);
 * - unlock: not PARTIAL; unmap: not PARTIAL, and MAPPED_TO_SYSTEM_VA for a system address.
 */
import { MDL } from '../../nt/io.ts';
import { MDL_LAYOUT } from '../../nt/layout.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

const PROBE_FORBIDDEN = MDL.PAGES_LOCKED | MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL | MDL.PARTIAL | MDL.IO_SPACE;
const MAP_FORBIDDEN = MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL | MDL.PARTIAL_HAS_BEEN_MAPPED;
const MAP_NEEDS_ONE_OF = MDL.PAGES_LOCKED | MDL.PARTIAL;
const KERNEL_MODE = 0;
/** The lowest system address of the simulated 32-bit space. */
const SYSTEM_SPACE = 0x80000000;

const flagsOf = (vf: VerifierContext, mdl: number): number => vf.k.as.u16(mdl + MDL_LAYOUT.off.MdlFlags);

const checkMap = (vf: VerifierContext, frames: readonly number[], mdl: number, accessMode: number): void => {
  const flags = flagsOf(vf, mdl);
  if (accessMode === KERNEL_MODE && flags & MAP_FORBIDDEN) vf.violation(RULES.MapLockedAlreadyMapped, mdl, flags, flags & MAP_FORBIDDEN, frames);
  if (!(flags & MAP_NEEDS_ONE_OF)) vf.violation(RULES.MapLockedNotLocked, mdl, flags, MAP_NEEDS_ONE_OF, frames);
};

export const mdlThunks: ThunkSet = {
  MmProbeAndLockPages: checked('MmProbeAndLockPages', (vf, frames, _skip, mdl: number) => {
    const flags = flagsOf(vf, mdl);
    if (flags & PROBE_FORBIDDEN) vf.violation(RULES.ProbeAndLockWrongFlags, mdl, flags, flags & PROBE_FORBIDDEN, frames);
  }),
  MmProbeAndLockProcessPages: checked('MmProbeAndLockProcessPages', (vf, frames, _skip, mdl: number) => {
    const flags = flagsOf(vf, mdl);
    if (flags & PROBE_FORBIDDEN) vf.violation(RULES.ProbeAndLockProcessWrongFlags, mdl, flags, flags & PROBE_FORBIDDEN, frames);
  }),
  MmMapLockedPagesSpecifyCache: checked('MmMapLockedPagesSpecifyCache', (vf, frames, _skip, mdl: number, accessMode: number) => checkMap(vf, frames, mdl, accessMode)),
  MmMapLockedPages: checked('MmMapLockedPages', (vf, frames, _skip, mdl: number, accessMode: number) => checkMap(vf, frames, mdl, accessMode)),
  /** The WDK macro calls MmMapLockedPagesSpecifyCache when the MDL is neither mapped nor nonpaged pool. */
  MmGetSystemAddressForMdlSafe: checked('MmGetSystemAddressForMdlSafe', (vf, frames, _skip, mdl: number) => {
    if (!(flagsOf(vf, mdl) & (MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL))) checkMap(vf, frames, mdl, KERNEL_MODE);
  }),
  MmUnlockPages: checked('MmUnlockPages', (vf, frames, _skip, mdl: number) => {
    const flags = flagsOf(vf, mdl);
    if (flags & MDL.PARTIAL) vf.violation(RULES.UnlockPartialMdl, mdl, flags, MDL.PARTIAL, frames);
  }),
  MmUnmapLockedPages: checked('MmUnmapLockedPages', (vf, frames, _skip, baseAddress: number, mdl: number) => {
    const flags = flagsOf(vf, mdl);
    if (flags & MDL.PARTIAL) vf.violation(RULES.UnmapPartialMdl, mdl, flags, MDL.PARTIAL, frames);
    if (baseAddress >>> 0 >= SYSTEM_SPACE && !(flags & MDL.MAPPED_TO_SYSTEM_VA)) vf.violation(RULES.UnmapNotMapped, mdl, flags, MDL.MAPPED_TO_SYSTEM_VA, frames);
  }),
};

export const MDL_THUNK_ROUTINES = thunkRoutines(mdlThunks);
