/**
 * DeadlockClean: the clean twin of every Deadlock Detection sample. It takes the same kinds of locks
 * right: two spin locks always in one order (A then B, in both IOCTLs 0x222004 and 0x222008 and in
 * DriverEntry), released last-in first-out; a fast mutex (and a try-acquisition); a KMUTEX acquired
 * recursively and released as often, by the thread that took it; an ERESOURCE shared, then exclusive
 * and recursively shared, then deleted once free; a lock initialized again only while idle; a system
 * thread that releases its mutex before it ends; pool freed only once its lock is released; and two
 * in-stack queued spin locks, always taken as queued ones, C then D.
 */
import { CTL_CODE, DRIVER_OBJECT, ERESOURCE, FAST_MUTEX, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, KLOCK_QUEUE_HANDLE, KMUTEX, METHOD_BUFFERED, POOL_TYPE, STATUS, IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const IOCTL_QUEUE_PUSH = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_STATS_RESET = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
const KernelMode = 0;
const Executive = 0;
/** Context block: spin locks A and B, the saved IRQL, a counter, a fast mutex, a KMUTEX, an ERESOURCE, a handle slot, queued spin locks C and D with their handles. */
const CTX_LOCK_A = 0;
const CTX_LOCK_B = 4;
const CTX_OLD_IRQL = 8;
const CTX_COUNT = 12;
const CTX_FAST_MUTEX = 16;
const CTX_MUTEX = CTX_FAST_MUTEX + FAST_MUTEX.size;
const CTX_RESOURCE = CTX_MUTEX + KMUTEX.size;
const CTX_SLOT = CTX_RESOURCE + ERESOURCE.size;
const CTX_LOCK_C = CTX_SLOT + 4;
const CTX_LOCK_D = CTX_LOCK_C + 4;
const CTX_HANDLE_C = CTX_LOCK_D + 4;
const CTX_HANDLE_D = CTX_HANDLE_C + KLOCK_QUEUE_HANDLE.size;
const CTX_MUTEX_2 = CTX_HANDLE_D + KLOCK_QUEUE_HANDLE.size;
const CTX_ZERO_TIMEOUT = CTX_MUTEX_2 + KMUTEX.size;
const CTX_SIZE = CTX_ZERO_TIMEOUT + 8;
const STATUS_TIMEOUT = 0x102;
/** A session block: its own spin lock and saved IRQL. */
const SESSION_SIZE = 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\DeadlockClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK_A);
  ddi.KeInitializeSpinLock(context + CTX_LOCK_B);
  ddi.ExInitializeFastMutex(context + CTX_FAST_MUTEX);
  ddi.KeInitializeMutex(context + CTX_MUTEX, 0);
  ddi.ExInitializeResourceLite(context + CTX_RESOURCE);

  QueuePush();
  // Initializing an idle lock again is harmless.
  ddi.KeInitializeSpinLock(context + CTX_LOCK_B);
  UseMutexes();
  UseResource();
  RunThread();
  UseSession();
  UseQueuedLocks();
  return STATUS.SUCCESS;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    const code = ddi.mem.u32(sp + IO_STACK_LOCATION.off['Parameters.DeviceIoControl.IoControlCode']);
    if (code === IOCTL_QUEUE_PUSH) QueuePush();
    else if (code === IOCTL_STATS_RESET) StatsReset();
    else status = STATUS.INVALID_DEVICE_REQUEST;
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Lock A, then lock B inside it. */
function QueuePush(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK_A, context + CTX_OLD_IRQL);
  ddi.KeAcquireSpinLockAtDpcLevel(context + CTX_LOCK_B);
  ddi.mem.setU32(context + CTX_COUNT, ddi.mem.u32(context + CTX_COUNT) + 1);
  ddi.KeReleaseSpinLockFromDpcLevel(context + CTX_LOCK_B);
  ddi.KeReleaseSpinLock(context + CTX_LOCK_A, ddi.mem.u8(context + CTX_OLD_IRQL));
}

/** The same order: A, then B. */
function StatsReset(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK_A, context + CTX_OLD_IRQL);
  ddi.KeAcquireSpinLockAtDpcLevel(context + CTX_LOCK_B);
  ddi.mem.setU32(context + CTX_COUNT, 0);
  ddi.KeReleaseSpinLockFromDpcLevel(context + CTX_LOCK_B);
  ddi.KeReleaseSpinLock(context + CTX_LOCK_A, ddi.mem.u8(context + CTX_OLD_IRQL));
}

/** A fast mutex (and a try-acquisition), a KMUTEX taken twice by its owner and released twice, and a second KMUTEX. */
function UseMutexes(): void {
  ddi.ExAcquireFastMutex(context + CTX_FAST_MUTEX);
  ddi.ExReleaseFastMutex(context + CTX_FAST_MUTEX);
  if (ddi.ExTryToAcquireFastMutex(context + CTX_FAST_MUTEX)) ddi.ExReleaseFastMutex(context + CTX_FAST_MUTEX);
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  // The first mutex, then the second; later, holding the second, the first is only polled (a zero
  // time-out cannot wait, so it is no inverted order).
  ddi.KeInitializeMutex(context + CTX_MUTEX_2, 0);
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  ddi.KeWaitForSingleObject(context + CTX_MUTEX_2, Executive, KernelMode, 0, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX_2, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  ddi.KeWaitForSingleObject(context + CTX_MUTEX_2, Executive, KernelMode, 0, 0);
  if (ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, context + CTX_ZERO_TIMEOUT) !== STATUS_TIMEOUT) ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX_2, 0);
}

/** Shared, then exclusive with a shared acquisition inside it, then deleted once nobody holds it. */
function UseResource(): void {
  ddi.KeEnterCriticalRegion();
  ddi.ExAcquireResourceSharedLite(context + CTX_RESOURCE, 1);
  ddi.ExReleaseResourceLite(context + CTX_RESOURCE);
  ddi.ExAcquireResourceExclusiveLite(context + CTX_RESOURCE, 1);
  ddi.ExAcquireResourceSharedLite(context + CTX_RESOURCE, 1);
  ddi.ExReleaseResourceLite(context + CTX_RESOURCE);
  ddi.ExReleaseResourceLite(context + CTX_RESOURCE);
  ddi.KeLeaveCriticalRegion();
  ddi.ExDeleteResourceLite(context + CTX_RESOURCE);
}

/** A system thread that takes the KMUTEX and releases it before it ends; DriverEntry waits for it. */
function RunThread(): void {
  if (ddi.PsCreateSystemThread(context + CTX_SLOT, 0, 0, 0, 0, ddi.addressOf(RefreshThread), 0) !== STATUS.SUCCESS) return;
  const handle = ddi.mem.u32(context + CTX_SLOT);
  if (ddi.ObReferenceObjectByHandle(handle, 0, 0, KernelMode, context + CTX_SLOT, 0) === STATUS.SUCCESS) {
    const thread = ddi.mem.u32(context + CTX_SLOT);
    ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
    ddi.ObDereferenceObject(thread);
  }
  ddi.ZwClose(handle);
}

function RefreshThread(_Context: number): void {
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  ddi.mem.setU32(context + CTX_COUNT, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

/** A block with its own spin lock, freed once the lock is released; a new block there is a new lock. */
function UseSession(): void {
  for (let i = 0; i < 2; i++) {
    const session = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, SESSION_SIZE, TAG);
    if (session === 0) return;
    ddi.KeInitializeSpinLock(session);
    ddi.KeAcquireSpinLock(session, session + 4);
    ddi.KeReleaseSpinLock(session, ddi.mem.u8(session + 4));
    ddi.ExFreePoolWithTag(session, TAG);
  }
}

/** In-stack queued spin locks: C raises to DISPATCH_LEVEL, D is taken inside it at that level. */
function UseQueuedLocks(): void {
  ddi.KeInitializeSpinLock(context + CTX_LOCK_C);
  ddi.KeInitializeSpinLock(context + CTX_LOCK_D);
  ddi.KeAcquireInStackQueuedSpinLock(context + CTX_LOCK_C, context + CTX_HANDLE_C);
  ddi.KeAcquireInStackQueuedSpinLockAtDpcLevel(context + CTX_LOCK_D, context + CTX_HANDLE_D);
  ddi.mem.setU32(context + CTX_COUNT, 1);
  ddi.KeReleaseInStackQueuedSpinLockFromDpcLevel(context + CTX_HANDLE_D);
  ddi.KeReleaseInStackQueuedSpinLock(context + CTX_HANDLE_C);
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
  ddi.ExFreePoolWithTag(context, TAG);
}
