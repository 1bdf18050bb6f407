/**
 * EverythingRight: a driver that uses every kind of object the verifier watches, and uses each one
 * right, so Driver Verifier (/standard) has nothing to say: it loads, serves requests, unloads and
 * the machine shuts down with no stop. The no-false-positive sample of drivers/ts/rules.
 *
 * - pool: paged at PASSIVE_LEVEL, nonpaged under a spin lock; every block freed once;
 * - a lookaside list of request contexts, deleted at unload;
 * - MDLs: one built for nonpaged pool with a partial MDL mapped and freed, one probed, locked,
 *   mapped, unmapped and unlocked;
 * - a fast mutex around the configuration, a KMUTEX around the log, a spin lock around statistics;
 * - a periodic heartbeat timer and DPC, cancelled and flushed at unload; a one-shot timer whose
 *   DPC signals an event the request waits for;
 * - an IO_WORKITEM that finishes each request (IoQueueWorkItem holds the device while it runs);
 * - a system thread that prepares the tables at load, waited for (by its object) at unload;
 * - IoRegisterShutdownNotification, with an IRP_MJ_SHUTDOWN routine that completes at once,
 *   unregistered at unload.
 *
 * `dv run drivers/ts/rules/EverythingRight.ts --ioctl 0x222008:0102030405060708:8`
 */
import {
  EXCEPTION_EXECUTE_HANDLER,
  CTL_CODE,
  DEVICE_OBJECT,
  DRIVER_OBJECT,
  FAST_MUTEX,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  KDPC,
  KEVENT,
  KMUTEX,
  KTIMER,
  METHOD_BUFFERED,
  NPAGED_LOOKASIDE_LIST,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoMarkIrpPending,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_EVERYTHING_PROCESS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);

const TAG = poolTag('Evry');
const KernelMode = 0;
const Executive = 0;
const NotificationEvent = 0;
const IoReadAccess = 0;
const MmCached = 1;
const NormalPagePriority = 16;
const DelayedWorkQueue = 1;
const HEARTBEAT = -100n * 10_000n;
const HARDWARE_LATENCY = -5n * 10_000n;
const CONTEXT_SIZE = 0x40;
const TABLE_SIZE = 0x100;

/** Device extension layout. */
const E = (() => {
  let o = 0;
  const at = (size: number) => {
    const here = o;
    o += (size + 7) & ~7;
    return here;
  };
  return {
    lookaside: at(NPAGED_LOOKASIDE_LIST.size),
    configMutex: at(FAST_MUTEX.size),
    logMutex: at(KMUTEX.size),
    statsLock: at(4),
    oldIrql: at(4),
    heartbeatTimer: at(KTIMER.size),
    heartbeatDpc: at(KDPC.size),
    doneTimer: at(KTIMER.size),
    doneDpc: at(KDPC.size),
    done: at(KEVENT.size),
    workItem: at(4),
    thread: at(4),
    table: at(4),
    heartbeats: at(4),
    requests: at(4),
    irp: at(4),
    size: o,
  };
})();

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 8, TAG);
  const out = name === 0 ? 0 : ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (out === 0) {
    if (name !== 0) ddi.ExFreePoolWithTag(name, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\EverythingRight'));
  const status = ddi.IoCreateDevice(DriverObject, E.size, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  const ext = mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  const workItem = ddi.IoAllocateWorkItem(device);
  const slot = workItem === 0 ? 0 : ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (slot === 0) {
    if (workItem !== 0) ddi.IoFreeWorkItem(workItem);
    ddi.IoDeleteDevice(device);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  mem.setU32(ext + E.workItem, workItem);

  ddi.ExInitializeNPagedLookasideList(ext + E.lookaside, 0, 0, 0, CONTEXT_SIZE, TAG, 0);
  ddi.ExInitializeFastMutex(ext + E.configMutex);
  ddi.KeInitializeMutex(ext + E.logMutex, 0);
  ddi.KeInitializeSpinLock(ext + E.statsLock);
  ddi.KeInitializeEvent(ext + E.done, NotificationEvent, 0);
  ddi.KeInitializeTimer(ext + E.heartbeatTimer);
  ddi.KeInitializeDpc(ext + E.heartbeatDpc, ddi.addressOf(HeartbeatDpc), ext);
  ddi.KeInitializeTimer(ext + E.doneTimer);
  ddi.KeInitializeDpc(ext + E.doneDpc, ddi.addressOf(HardwareDoneDpc), ext);
  ddi.KeSetTimerEx(ext + E.heartbeatTimer, HEARTBEAT, 100, ext + E.heartbeatDpc);

  if (ddi.PsCreateSystemThread(slot, 0, 0, 0, 0, ddi.addressOf(PrepareTables), ext) === STATUS.SUCCESS) {
    const handle = mem.u32(slot);
    if (ddi.ObReferenceObjectByHandle(handle, 0, 0, KernelMode, slot, 0) === STATUS.SUCCESS) mem.setU32(ext + E.thread, mem.u32(slot));
    ddi.ZwClose(handle);
  }
  ddi.ExFreePoolWithTag(slot, TAG);

  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL, IRP_MJ.SHUTDOWN]) {
    mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return ddi.IoRegisterShutdownNotification(device);
}

/** The system thread: builds the lookup table (paged pool, at PASSIVE_LEVEL) and ends. */
function PrepareTables(Context: number): void {
  const table = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, TABLE_SIZE, TAG);
  // No table when pool is short: the requests that need it then fail.
  if (table !== 0) for (let i = 0; i < TABLE_SIZE; i += 4) ddi.mem.setU32(table + i, i);
  ddi.mem.setU32(Context + E.table, table);
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function HeartbeatDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.KeAcquireSpinLockAtDpcLevel(Context + E.statsLock);
  ddi.mem.setU32(Context + E.heartbeats, ddi.mem.u32(Context + E.heartbeats) + 1);
  ddi.KeReleaseSpinLockFromDpcLevel(Context + E.statsLock);
}

function HardwareDoneDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.KeSetEvent(Context + E.done, 0, 0);
}

function Dispatch(DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const major = ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction);
  if (major === IRP_MJ.DEVICE_CONTROL) return DeviceControl(DeviceObject, Irp, sp);
  if (major === IRP_MJ.SHUTDOWN) ddi.DbgPrint(ddi.str('EverythingRight: shutdown\n'));
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

function DeviceControl(DeviceObject: number, Irp: number, sp: number): number {
  const mem = ddi.mem;
  const P = IO_STACK_LOCATION.off;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_EVERYTHING_PROCESS) return Fail(Irp, STATUS.INVALID_DEVICE_REQUEST);
  const system = mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  const length = Math.min(mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']), CONTEXT_SIZE);

  // Configuration under the fast mutex; the log under the KMUTEX.
  ddi.ExAcquireFastMutex(ext + E.configMutex);
  mem.setU32(ext + E.requests, mem.u32(ext + E.requests) + 1);
  ddi.ExReleaseFastMutex(ext + E.configMutex);
  ddi.KeWaitForSingleObject(ext + E.logMutex, Executive, KernelMode, 0, 0);
  const entry = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x20, TAG);
  // The log entry is optional: none is written when pool is short.
  if (entry !== 0) ddi.ExFreePoolWithTag(entry, TAG);
  ddi.KeReleaseMutex(ext + E.logMutex, 0);

  // A request context from the lookaside list; a nonpaged copy made under the spin lock.
  const context = ddi.ExAllocateFromNPagedLookasideList(ext + E.lookaside);
  if (context === 0) return Fail(Irp, STATUS.INSUFFICIENT_RESOURCES);
  mem.copy(context, system, length);
  ddi.KeAcquireSpinLock(ext + E.statsLock, ext + E.oldIrql);
  const copy = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CONTEXT_SIZE, TAG);
  ddi.KeReleaseSpinLock(ext + E.statsLock, mem.u8(ext + E.oldIrql));
  if (copy === 0) {
    ddi.ExFreeToNPagedLookasideList(ext + E.lookaside, context);
    return Fail(Irp, STATUS.INSUFFICIENT_RESOURCES);
  }
  mem.copy(copy, context, length);

  let status = TransferNonPaged(copy);
  if (status === STATUS.SUCCESS) status = TransferPaged(ext);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(copy, TAG);
    ddi.ExFreeToNPagedLookasideList(ext + E.lookaside, context);
    return Fail(Irp, status);
  }

  // "Hardware": a one-shot timer whose DPC signals the event the request waits for.
  ddi.KeClearEvent(ext + E.done);
  ddi.KeSetTimer(ext + E.doneTimer, HARDWARE_LATENCY, ext + E.doneDpc);
  ddi.KeWaitForSingleObject(ext + E.done, Executive, KernelMode, 0, 0);

  ddi.ExFreePoolWithTag(copy, TAG);
  ddi.ExFreeToNPagedLookasideList(ext + E.lookaside, context);

  // The work item finishes the request.
  mem.setU32(ext + E.irp, Irp);
  IoMarkIrpPending(mem, Irp);
  ddi.IoQueueWorkItem(mem.u32(ext + E.workItem), ddi.addressOf(FinishRequest), DelayedWorkQueue, ext);
  return STATUS.PENDING;
}

/** The request ends at once with `status` (an allocation failed, or an unknown IOCTL). */
function Fail(Irp: number, status: number): number {
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** An MDL built for nonpaged pool, and a partial MDL of its second half, mapped and freed. */
function TransferNonPaged(buffer: number): number {
  const mdl = ddi.IoAllocateMdl(buffer, CONTEXT_SIZE, 0, 0, 0);
  const half = mdl === 0 ? 0 : ddi.IoAllocateMdl(buffer + CONTEXT_SIZE / 2, CONTEXT_SIZE / 2, 0, 0, 0);
  let mapped = 0;
  if (half !== 0) {
    ddi.MmBuildMdlForNonPagedPool(mdl);
    ddi.IoBuildPartialMdl(mdl, half, buffer + CONTEXT_SIZE / 2, CONTEXT_SIZE / 2);
    mapped = ddi.MmGetSystemAddressForMdlSafe(half, NormalPagePriority);
    if (mapped !== 0) ddi.mem.setU32(mapped, 0xfeed);
    ddi.IoFreeMdl(half);
  }
  if (mdl !== 0) ddi.IoFreeMdl(mdl);
  return mapped !== 0 ? STATUS.SUCCESS : STATUS.INSUFFICIENT_RESOURCES;
}

/** The lookup table (paged): probed and locked, mapped, read, unmapped, unlocked. */
function TransferPaged(ext: number): number {
  const table = ddi.mem.u32(ext + E.table);
  // The table thread could not allocate it.
  if (table === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const mdl = ddi.IoAllocateMdl(table, TABLE_SIZE, 0, 0, 0);
  if (mdl === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const locked = ddi.__try(
    () => {
      ddi.MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
      return STATUS.SUCCESS;
    },
    { except: EXCEPTION_EXECUTE_HANDLER, handler: (code) => code },
  );
  if (locked !== STATUS.SUCCESS) {
    ddi.IoFreeMdl(mdl);
    return locked;
  }
  const mapped = ddi.MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, 0, 0, NormalPagePriority);
  if (mapped !== 0) {
    ddi.mem.u32(mapped + 4);
    ddi.MmUnmapLockedPages(mapped, mdl);
  }
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
  return mapped !== 0 ? STATUS.SUCCESS : STATUS.INSUFFICIENT_RESOURCES;
}

function FinishRequest(_DeviceObject: number, Context: number): void {
  const irp = ddi.mem.u32(Context + E.irp);
  const system = ddi.mem.u32(irp + IRP.off['AssociatedIrp.SystemBuffer']);
  ddi.mem.setU32(system, ddi.mem.u32(Context + E.requests));
  ddi.mem.setU32(system + 4, ddi.mem.u32(Context + E.heartbeats));
  SetIoStatus(ddi.mem, irp, STATUS.SUCCESS, 8);
  ddi.IofCompleteRequest(irp, IO_NO_INCREMENT);
}

function DriverUnload(DriverObject: number): void {
  const device = ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject);
  const ext = ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  ddi.IoUnregisterShutdownNotification(device);
  ddi.KeCancelTimer(ext + E.heartbeatTimer);
  ddi.KeCancelTimer(ext + E.doneTimer);
  ddi.KeFlushQueuedDpcs();
  const thread = ddi.mem.u32(ext + E.thread);
  if (thread !== 0) {
    ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
    ddi.ObDereferenceObject(thread);
  }
  const table = ddi.mem.u32(ext + E.table);
  if (table !== 0) ddi.ExFreePoolWithTag(table, TAG);
  ddi.IoFreeWorkItem(ddi.mem.u32(ext + E.workItem));
  ddi.ExDeleteNPagedLookasideList(ext + E.lookaside);
  ddi.IoDeleteDevice(device);
}
