/**
 * I/O thunks: as on Windows 7 and later, MDLs from IoAllocateMdl and work items from
 * IoAllocateWorkItem are allocated by the verifier on the driver's behalf (tags `VMdl` and `Vfwi`)
 * and tracked like the driver's own pool, so an unfreed one counts in 0xC4/0x62. A verifier MDL is
 * sized exactly (MmSizeOfMdl), not from the I/O manager's fixed-size lookaside.
 */
import { POOL_TYPE } from '../../nt/pool.ts';
import { IO_WORKITEM } from '../../nt/layout.ts';
import { mdlRequestRefused, mmSizeOfMdl } from '../../kernel/io/mdl.ts';
import type { AnyFn, ThunkSet, VerifierContext } from '../context.ts';
import { verifiedAllocate, verifiedFree } from './pool.ts';
import { VF_TAG } from '../tags.ts';

export const TAG_VMDL = VF_TAG.Mdl;
export const TAG_VFWI = VF_TAG.WorkItem;

export const ioThunks: ThunkSet = {
  IoAllocateMdl: (_next: AnyFn, vf: VerifierContext) => {
    const frames = [vf.ntFrame('IovAllocateMdl', 0x3d), vf.ntFrame('VerifierIoAllocateMdl', 0x22)];
    const thunk = (VirtualAddress: number, Length: number, SecondaryBuffer: number, _ChargeQuota: number, Irp: number): number => {
      const k = vf.k;
      if (mdlRequestRefused(VirtualAddress >>> 0, Length >>> 0)) return 0;
      const size = mmSizeOfMdl(VirtualAddress >>> 0, Length >>> 0);
      const mdl = verifiedAllocate(vf, POOL_TYPE.NonPagedPool, size, TAG_VMDL, 'mdl', frames, thunk, () => k.pool.allocate(POOL_TYPE.NonPagedPool, size, TAG_VMDL));
      if (mdl === 0) return 0;
      k.io.mdl.initializeMdl(mdl, VirtualAddress >>> 0, Length >>> 0);
      k.io.mdl.attachMdl(mdl, SecondaryBuffer !== 0, Irp >>> 0);
      return mdl;
    };
    return thunk as AnyFn;
  },
  IoFreeMdl: (_next: AnyFn, vf: VerifierContext) => {
    const frames = [vf.ntFrame('VerifierIoFreeMdl', 0x1a)];
    const thunk = (Mdl: number): void => {
      verifiedFree(vf, Mdl >>> 0, frames, thunk);
      vf.k.io.mdl.releaseMdl(Mdl >>> 0);
      vf.k.pool.free(Mdl >>> 0, 0);
    };
    return thunk as AnyFn;
  },
  IoAllocateWorkItem: (_next: AnyFn, vf: VerifierContext) => {
    const frames = [vf.ntFrame('IovAllocateWorkItem', 0x1b), vf.ntFrame('VerifierIoAllocateWorkItem', 0x16)];
    const thunk = (DeviceObject: number): number => {
      const k = vf.k;
      const item = verifiedAllocate(vf, POOL_TYPE.NonPagedPool, IO_WORKITEM.size, TAG_VFWI, 'workitem', frames, thunk, () =>
        k.pool.allocate(POOL_TYPE.NonPagedPool, IO_WORKITEM.size, TAG_VFWI),
      );
      if (item !== 0) k.io.initializeWorkItem(DeviceObject >>> 0, item);
      return item;
    };
    return thunk as AnyFn;
  },
  IoFreeWorkItem: (_next: AnyFn, vf: VerifierContext) => {
    const frames = [vf.ntFrame('VerifierIoFreeWorkItem', 0x14)];
    const thunk = (IoWorkItem: number): void => {
      verifiedFree(vf, IoWorkItem >>> 0, frames, thunk);
      vf.k.pool.free(IoWorkItem >>> 0, 0);
    };
    return thunk as AnyFn;
  },
};

export const IO_THUNK_ROUTINES = ['IovAllocateMdl', 'VerifierIoAllocateMdl', 'VerifierIoFreeMdl', 'IovAllocateWorkItem', 'VerifierIoAllocateWorkItem', 'VerifierIoFreeWorkItem'];
