/**
 * Invariant MDL checking for stack (0x2000) and for driver (0x4000): the buffer a Write IRP's MDL
 * describes is the caller's data, which no driver may change while the IRP travels. The verifier
 * copies the buffer when the IRP is first sent to a verified driver's device (IofCallDriver, seen
 * through the kernel's irpDispatch event) and compares at IoCompleteRequest (both modes) and, for
 * driver mode, at every IofCallDriver a verified driver makes, so the driver that changed it is the
 * one on the stack: 0xC4/0x1010, the device the Write was sent to, the IRP, the buffer's address.
 * A Read IRP's buffer is the device's to fill, at the bottom of the stack: the drivers it passes
 * through on the way down must leave it alone, so it is compared at each IofCallDriver a verified
 * driver makes (both modes) and dropped unchecked at completion: 0xC4/0x1011 with the same parameters.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { IRP, IO_STACK_LOCATION, MDL_LAYOUT, DEVICE_OBJECT } from '../../nt/layout.ts';
import { IRP_MJ, MDL } from '../../nt/io.ts';
import { VF } from '../flags.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

interface Snapshot {
  readonly major: number;
  readonly device: number;
  readonly va: number;
  readonly bytes: Uint8Array;
}

const snapshots = new WeakMap<Kernel, Map<number, Snapshot>>();
const snapshotsOf = (k: Kernel): Map<number, Snapshot> => {
  let m = snapshots.get(k);
  if (!m) snapshots.set(k, (m = new Map()));
  return m;
};

export const INVARIANT_MDL_FLAGS = VF.INVARIANT_MDL_STACK | VF.INVARIANT_MDL_DRIVER;

/** The buffer's address as the driver sees it: the system mapping when there is one, else StartVa + ByteOffset (one address space). */
function bufferOf(k: Kernel, mdl: number): { va: number; length: number } {
  const M = MDL_LAYOUT.off;
  const flags = k.as.u16(mdl + M.MdlFlags);
  const va = flags & (MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL) ? k.as.u32(mdl + M.MappedSystemVa) : (k.as.u32(mdl + M.StartVa) + k.as.u32(mdl + M.ByteOffset)) >>> 0;
  return { va, length: k.as.u32(mdl + M.ByteCount) };
}

/**
 * Listen for IRPs sent to verified drivers' devices: a Write with an MDL has its buffer copied the
 * first time (the IRP's address is the key until it completes).
 */
export function watchInvariantMdls(k: Kernel, isVerifiedDriverObject: (driverObject: number) => boolean): void {
  k.events.on('irpDispatch', ({ device, irp }) => {
    const m = snapshotsOf(k);
    if (m.has(irp)) return;
    const sp = k.as.u32(irp + IRP.off['Tail.CurrentStackLocation']);
    const major = k.as.u8(sp + IO_STACK_LOCATION.off.MajorFunction);
    if (major !== IRP_MJ.WRITE && major !== IRP_MJ.READ) return;
    const mdl = k.as.u32(irp + IRP.off.MdlAddress);
    if (mdl === 0 || !isVerifiedDriverObject(k.as.u32(device + DEVICE_OBJECT.off.DriverObject))) return;
    const { va, length } = bufferOf(k, mdl);
    m.set(irp, { major, device, va, bytes: k.as.read(va, length).slice() });
  });
}

function compare(vf: VerifierContext, frames: readonly number[], irp: number, done: boolean): void {
  const m = snapshotsOf(vf.k);
  const s = m.get(irp >>> 0);
  if (!s) return;
  if (done) m.delete(irp >>> 0);
  // A Read's buffer is filled on its way back: checked going down only.
  if (done && s.major === IRP_MJ.READ) return;
  const now = vf.k.as.read(s.va, s.bytes.length);
  const rule = s.major === IRP_MJ.READ ? RULES.InvariantMdlRead : RULES.InvariantMdlWrite;
  if (now.some((b, i) => b !== s.bytes[i])) vf.violation(rule, s.device, irp >>> 0, s.va, frames);
}

const atCompletion = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, irp: number) => {
    if (vf.flags & INVARIANT_MDL_FLAGS) compare(vf, frames, irp, true);
  });

/** A verified driver passes an IRP down: driver mode checks every IRP there; stack mode a Read's. */
const atForward = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, _device: number, irp: number) => {
    if (vf.flags & VF.INVARIANT_MDL_DRIVER) compare(vf, frames, irp, false);
    else if (vf.flags & VF.INVARIANT_MDL_STACK && snapshotsOf(vf.k).get(irp >>> 0)?.major === IRP_MJ.READ) compare(vf, frames, irp, false);
  });

export const invariantMdlThunks: ThunkSet = {
  IofCompleteRequest: atCompletion('IofCompleteRequest'),
  IoCompleteRequest: atCompletion('IoCompleteRequest'),
  IofCallDriver: atForward('IofCallDriver'),
  IoCallDriver: atForward('IoCallDriver'),
};

export const INVARIANT_MDL_THUNK_ROUTINES = thunkRoutines(invariantMdlThunks);
