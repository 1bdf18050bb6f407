/**
 * The PnP manager's synchronous IRP (IopSynchronousCall): an IRP_MJ_PNP to the top of a device's
 * stack, started with Status = STATUS_NOT_SUPPORTED as Windows sends them, and waited for until the
 * stack completes it.
 */
import { IRP_MJ } from '../../nt/io.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { pnpMinorName } from '../../nt/pnp.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const DEV = DEVICE_OBJECT.off;
const S = IO_STACK_LOCATION.off;
const I = IRP.off;

export interface PnpIrpResult {
  readonly status: number;
  readonly information: number;
}

/**
 * Send IRP_MJ_PNP/`minor` to the stack whose bottom is `pdo`; `setup` fills the parameters of the
 * first stack location, `information` is IoStatus.Information's first value. Returns the final status
 * and information.
 */
export function sendPnpIrp(k: Kernel, pdo: number, minor: number, setup?: (sp: number) => void, information = 0): PnpIrpResult {
  const as = k.as;
  const io = k.io;
  const top = io.topOfStack(pdo);
  const irp = io.allocateIrp(as.u8(top + DEV.StackSize));
  if (irp === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, information: 0 };
  as.setU32(irp + I['Tail.Thread'], k.currentThread.address);
  as.setU8(irp + I.RequestorMode, 0);
  as.setU32(irp + I['IoStatus.Status'], STATUS.NOT_SUPPORTED);
  // What the IRP brings (FILTER_RESOURCE_REQUIREMENTS: the list so far), 0 for the rest.
  as.setU32(irp + I['IoStatus.Information'], information);
  const sp = io.nextStackLocation(irp);
  as.setU8(sp + S.MajorFunction, IRP_MJ.PNP);
  as.setU8(sp + S.MinorFunction, minor);
  setup?.(sp);
  let done = false;
  io.completionHooks.set(irp, () => {
    done = true;
  });
  // The frame's name is the PnP manager's: registered here too, for an IRP sent before any PnP device exists
  // (a target-device notification registered on a legacy device's file asks its stack for TargetDeviceRelation).
  k.nt.addRoutines(['IopSynchronousCall']);
  k.withFrames(['IopSynchronousCall'], () => {
    io.callDriver(top, irp);
    if (!done) {
      k.withFrames(['KeWaitForSingleObject'], () =>
        k.dispatcher.waitUntil(
          () => done,
          () => `the PnP manager waits for ${pnpMinorName(minor)} (IRP ${irp.toString(16)}): nothing left to run completes it`,
        ),
      );
    }
  });
  const result = { status: as.u32(irp + I['IoStatus.Status']), information: as.u32(irp + I['IoStatus.Information']) };
  io.freeIrp(irp);
  return result;
}
