/**
 * Device stacks: a device attaches above the top of another's stack (IoAttachDeviceToDeviceStack),
 * IRPs sent to the stack go to its top, and each driver forwards to the device below it. The upward
 * link is DEVICE_OBJECT.AttachedDevice, the downward one the DEVOBJ_EXTENSION's AttachedTo; the
 * extension is allocated with the first attachment (a device that never joins a stack has none).
 */
import { DEVICE_OBJECT, DEVOBJ_EXTENSION, IO_STACK_LOCATION } from '../../nt/layout.ts';
import { IO_TYPE, SL } from '../../nt/io.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

const DEV = DEVICE_OBJECT.off;
const EXT = DEVOBJ_EXTENSION.off;
const S = IO_STACK_LOCATION.off;

/** The device's DEVOBJ_EXTENSION, allocated on first use; freed with the device (iomgr.ts createDevice). */
export function deviceExtensionOf(k: Kernel, device: number): number {
  const as = k.as;
  let ext = as.u32(device + DEV.DeviceObjectExtension);
  if (ext === 0) {
    ext = k.allocateKernelObject(DEVOBJ_EXTENSION.size, TAG.Device);
    as.zero(ext, DEVOBJ_EXTENSION.size);
    as.setU16(ext + EXT.Type, IO_TYPE.DEVICE_OBJECT_EXTENSION);
    as.setU16(ext + EXT.Size, DEVOBJ_EXTENSION.size);
    as.setU32(ext + EXT.DeviceObject, device);
    as.setU32(device + DEV.DeviceObjectExtension, ext);
  }
  return ext;
}

/** The device directly below `device` in its stack, or 0. */
export function lowerDevice(k: Kernel, device: number): number {
  const ext = k.as.u32(device + DEV.DeviceObjectExtension);
  return ext === 0 ? 0 : k.as.u32(ext + EXT.AttachedTo);
}

/** The stack `device` is in, from its top down to the bottom device (the PDO). */
export function deviceStack(k: Kernel, device: number): number[] {
  const out: number[] = [];
  for (let d = k.io.topOfStack(device); d !== 0; d = lowerDevice(k, d)) out.push(d);
  return out;
}

/** Attach `source` to the top of `target`'s stack; returns the device it now sits on. */
export function attachToStack(k: Kernel, source: number, target: number): number {
  const as = k.as;
  const top = k.io.topOfStack(target);
  as.setU32(top + DEV.AttachedDevice, source);
  as.setU32(deviceExtensionOf(k, source) + EXT.AttachedTo, top);
  deviceExtensionOf(k, top);
  // The new top needs a stack location for each device below it, and their alignment and sector size.
  as.setU8(source + DEV.StackSize, as.u8(top + DEV.StackSize) + 1);
  as.setU32(source + DEV.AlignmentRequirement, Math.max(as.u32(source + DEV.AlignmentRequirement), as.u32(top + DEV.AlignmentRequirement)));
  if (as.u16(source + DEV.SectorSize) === 0) as.setU16(source + DEV.SectorSize, as.u16(top + DEV.SectorSize));
  return top;
}

/** Take off the device attached to `target` (IoDetachDevice's work). */
export function detachFromStack(k: Kernel, target: number): void {
  const as = k.as;
  const upper = as.u32(target + DEV.AttachedDevice);
  if (upper === 0) return;
  as.setU32(target + DEV.AttachedDevice, 0);
  const ext = as.u32(upper + DEV.DeviceObjectExtension);
  if (ext !== 0) as.setU32(ext + EXT.AttachedTo, 0);
}

export function deviceStackExports(k: Kernel) {
  const ref = (device: number): number => {
    if (device !== 0) k.ob.reference(device);
    return device;
  };
  return {
    /** Attach SourceDevice to the top of TargetDevice's stack; returns the device attached to. PASSIVE_LEVEL. */
    IoAttachDeviceToDeviceStack(SourceDevice: number, TargetDevice: number): number {
      return attachToStack(k, SourceDevice >>> 0, TargetDevice >>> 0);
    },
    /** As IoAttachDeviceToDeviceStack, the device attached to stored in *AttachedToDeviceObject before the link is made. */
    IoAttachDeviceToDeviceStackSafe(SourceDevice: number, TargetDevice: number, AttachedToDeviceObject: number): number {
      const top = k.io.topOfStack(TargetDevice >>> 0);
      k.as.setU32(AttachedToDeviceObject >>> 0, top);
      attachToStack(k, SourceDevice >>> 0, top);
      return STATUS.SUCCESS;
    },
    /** Detach the device attached to TargetDevice. PASSIVE_LEVEL. */
    IoDetachDevice(TargetDevice: number): void {
      detachFromStack(k, TargetDevice >>> 0);
    },
    /** The top of DeviceObject's stack, not referenced. */
    IoGetAttachedDevice(DeviceObject: number): number {
      return k.io.topOfStack(DeviceObject >>> 0);
    },
    /** The top of DeviceObject's stack, referenced (the caller calls ObDereferenceObject). */
    IoGetAttachedDeviceReference(DeviceObject: number): number {
      return ref(k.io.topOfStack(DeviceObject >>> 0));
    },
    /** The device below DeviceObject, referenced, or NULL at the bottom of the stack. */
    IoGetLowerDeviceObject(DeviceObject: number): number {
      return ref(lowerDevice(k, DeviceObject >>> 0));
    },
    /** The bottom of DeviceObject's stack (the PDO), referenced. */
    IoGetDeviceAttachmentBaseRef(DeviceObject: number): number {
      const stack = deviceStack(k, DeviceObject >>> 0);
      return ref(stack[stack.length - 1]!);
    },
    /**
     * Send Irp to DeviceObject with a copy of the current stack location and wait until the lower
     * drivers have completed it; the IRP is then the caller's again to complete. PASSIVE_LEVEL.
     */
    IoForwardIrpSynchronously(DeviceObject: number, Irp: number): number {
      const as = k.as;
      const irp = Irp >>> 0;
      const current = k.io.currentStackLocation(irp);
      const next = current - IO_STACK_LOCATION.size;
      as.copy(next, current, S.CompletionRoutine);
      as.setU8(next + S.Control, 0);
      as.setU32(next + S.CompletionRoutine, forwardCompletion(k));
      as.setU32(next + S.Context, 0);
      as.setU8(next + S.Control, SL.INVOKE_ON_SUCCESS | SL.INVOKE_ON_ERROR | SL.INVOKE_ON_CANCEL);
      const forwarded = forwardedIrps(k);
      forwarded.add(irp);
      const status = k.io.callDriver(DeviceObject >>> 0, irp);
      if (status === STATUS.PENDING && forwarded.has(irp)) {
        k.withFrames(['KeWaitForSingleObject'], () =>
          k.dispatcher.waitUntil(
            () => !forwarded.has(irp),
            () => `IoForwardIrpSynchronously waits for IRP ${irp.toString(16)}: nothing left to run completes it`,
          ),
        );
      }
      forwarded.delete(irp);
      return 1;
    },
  };
}

/** Per machine: the IRPs IoForwardIrpSynchronously is waiting for, and its completion routine. */
const forwarding = new WeakMap<Kernel, { readonly irps: Set<number>; readonly routine: number }>();

function forwardedIrps(k: Kernel): Set<number> {
  forwardCompletion(k);
  return forwarding.get(k)!.irps;
}

/** nt's completion routine for IoForwardIrpSynchronously: stop the completion and wake the sender. */
function forwardCompletion(k: Kernel): number {
  let state = forwarding.get(k);
  if (!state) {
    const name = 'IopSynchronousCompletion';
    k.nt.addRoutines([name]);
    const irps = new Set<number>();
    state = { irps, routine: k.nt.address(name) };
    forwarding.set(k, state);
    k.registerRoutine(
      state.routine,
      ((_dev: number, irp: number) => {
        irps.delete(irp >>> 0);
        return STATUS.MORE_PROCESSING_REQUIRED;
      }) as never,
      'nt',
    );
  }
  return state.routine;
}
