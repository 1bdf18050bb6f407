/**
 * A synchronous caller's wait for its IRP. When nothing left to run will complete it, the caller gives up
 * as a process that is ended does: the thread's rundown cancels its IRPs (IoCancelThreadIo, which calls
 * IoCancelIrp) and the I/O manager waits 5 minutes for them ("Canceling IRPs" in the WDK docs; the HLK's
 * I/O cancellation tests end the process the same way and fail a driver whose IRPs do not finish). A
 * driver that queued the request by design and honours cancellation completes it then (STATUS_CANCELLED,
 * most often) and the run goes on; one that does not (no cancel routine, or one that leaves the IRP) has an
 * IRP that is never completed: the run ends there as a hang whose reason says so (neverCompletedBy reads it).
 */
import { DRIVER_OBJECT, IO_STACK_LOCATION } from '../../nt/layout.ts';
import { TICKS_PER_MS } from '../ke/clock.ts';
import type { Kernel } from '../kernel.ts';

/** The I/O manager's wait for a canceled IRP before it disassociates it from the thread. */
export const CANCEL_TIMEOUT_MS = 5 * 60 * 1000;
const NEVER = 'was never completed';

export function waitForIrp(k: Kernel, irp: number, major: string): void {
  const done = () => k.io.isCompleted(irp);
  if (k.dispatcher.settle(done)) return;
  const driver = holder(k, irp);
  const hadRoutine = k.withFrames(['PspExitThread'], () => k.ddi.IoCancelIrp(irp)) !== 0;
  if (k.dispatcher.settle(done, k.clock.now + CANCEL_TIMEOUT_MS * TICKS_PER_MS)) return;
  const why = hadRoutine ? 'its cancel routine did not complete it' : 'it has no cancel routine';
  k.hang(`IRP ${irp.toString(16)} (${major}) held by \\Driver\\${driver} ${NEVER}: nothing left to run completes it, and ${why} (the caller's thread exit cancels it; the I/O manager waits 5 minutes)`);
}

/** The driver a hang's reason names as holding an IRP it never completed, if that is the hang. */
export function neverCompletedBy(reason: string): string | undefined {
  return reason.includes(NEVER) ? /held by \\Driver\\(\S+)/.exec(reason)?.[1] : undefined;
}

/** The driver of the device at the IRP's current stack location: the one that pended it. */
function holder(k: Kernel, irp: number): string {
  const device = k.as.u32(k.io.currentStackLocation(irp) + IO_STACK_LOCATION.off.DeviceObject!);
  const driver = device ? k.io.driverOf(device) : 0;
  return driver ? k.io.readUnicodeString(driver + DRIVER_OBJECT.off.DriverName!).replace(/^\\Driver\\/, '') : 'unknown';
}
