/**
 * PnpDevice: the whole WDM function driver for a device with hardware (`dv run --resources
 * mem:BASE:LEN,irq:N`), a loopback device: a write goes to the device through a DMA common buffer, the
 * device interrupts, and the bytes come back to the next read.
 *
 * - AddDevice attaches an FDO above the PDO; an IO_REMOVE_LOCK is held across every request (PnP and
 *   power IRPs too), from dispatch until the request is completed.
 * - START (on the way back up from the bus) walks the translated resources: maps the register block,
 *   connects the interrupt (IoConnectInterrupt with the translated vector, DIRQL, mode and affinity),
 *   takes a bus-master DMA adapter from the PDO (IoGetDmaAdapter) and a page of common buffer.
 * - A write copies its bytes into the common buffer, hands the buffer's logical address and the length
 *   to the device's registers and rings the doorbell; the ISR (at DIRQL) acknowledges and queues the
 *   DPC with the length, and the DPC (at DISPATCH_LEVEL) completes the oldest queued read with them.
 * - Reads wait in a cancel-safe queue (IoCsq*): IoCancelIrp completes one STATUS_CANCELLED, CLEANUP
 *   cancels the file's reads, SURPRISE_REMOVAL and REMOVE_DEVICE fail the rest STATUS_NO_SUCH_DEVICE.
 *   The queue is held (reads wait, the device is not touched) while the device is in D3, stopping
 *   (QUERY_STOP to START) or removing, and released when it is back.
 * - It owns its power policy: on a system SET_POWER it requests the matching D-IRP (D3 to sleep, D0
 *   on wake) with PoRequestPowerIrp and completes the S-IRP from the D-IRP's callback.
 * - STOP and SURPRISE_REMOVAL give the hardware back (interrupt, adapter, common buffer, mapping);
 *   REMOVE_DEVICE waits for the last request with IoReleaseRemoveLockAndWait, detaches, deletes.
 *
 * DbgPrint names each IRP as it arrives (`PnpDevice: IRP_MN_START_DEVICE`), so a run shows the order
 * the driver saw them in. IOCTL_PNPDEVICE_STATS returns what the hardware paths did.
 */
import {
  CM_FULL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_LIST,
  CM_RESOURCE_FLAG,
  CM_RESOURCE_LIST,
  CM_RESOURCE_TYPE,
  CM_SHARE_DISPOSITION,
  CTL_CODE,
  DEVICE_DESCRIPTION,
  DEVICE_OBJECT,
  DEVICE_POWER_STATE,
  DMA_ADAPTER,
  DMA_OPERATIONS,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_CSQ,
  IO_NO_INCREMENT,
  IO_REMOVE_LOCK,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  IRP_MN_POWER,
  KINTERRUPT_MODE,
  METHOD_BUFFERED,
  NT_SUCCESS,
  POOL_TYPE,
  POWER_STATE_TYPE,
  STATUS,
  SYSTEM_POWER_STATE,
  IoCopyCurrentIrpStackLocationToNext,
  IoGetCurrentIrpStackLocation,
  IoMarkIrpPending,
  IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation,
  InitializeListHead,
  InsertTailList,
  SetIoStatus,
  deviceStateName,
  pnpMinorName,
  poolTag,
  systemStateName,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_PNPDEVICE_STATS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);

const TAG = poolTag('PnpD');
const PAGE = 0x1000;
/** The device's registers (the first memory range): the model raises the line on a doorbell write. */
const REG = { DOORBELL: 0, STATUS: 4, DMA_ADDRESS: 8, DMA_LENGTH: 12 } as const;
/** Interrupt status: a transfer is done. */
const STATUS_TRANSFER_DONE = 1;
/** Flags: the device's state as the driver tracks it. */
const F = { STARTED: 1, POWERED: 2, STOP_PENDING: 4, REMOVE_PENDING: 8, SURPRISE_REMOVED: 16, REMOVED: 32 } as const;

/** Device extension. */
const EXT = {
  LOWER: 0, PDO: 4, FLAGS: 8, REGS: 12, REGS_LENGTH: 16, INTERRUPT: 20, ADAPTER: 24, MAP_REGISTERS: 28,
  COMMON: 32, COMMON_LOGICAL: 40 /* 8 bytes */, AVAILABLE: 48, QUEUE_LOCK: 52, DATA_LOCK: 56,
  ISRS: 60, DPCS: 64, READS_DONE: 68, READS_CANCELLED: 72, ISR_IRQL: 76, DPC_IRQL: 80, DEVICE_POWER: 84,
  READ_QUEUE: 88 /* LIST_ENTRY */, CSQ: 96,
} as const;
const EXT_REMOVE_LOCK = EXT.CSQ + IO_CSQ.size;
const EXT_SIZE = EXT_REMOVE_LOCK + IO_REMOVE_LOCK.size;

const S = IO_STACK_LOCATION.off;
const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;
const I = IRP.off;
const LIST_ENTRY_OFFSET = I['Tail.ListEntry']!;
const MAJOR_NAMES: Record<number, string> = {
  [IRP_MJ.CREATE]: 'IRP_MJ_CREATE', [IRP_MJ.CLOSE]: 'IRP_MJ_CLOSE', [IRP_MJ.READ]: 'IRP_MJ_READ', [IRP_MJ.WRITE]: 'IRP_MJ_WRITE',
  [IRP_MJ.DEVICE_CONTROL]: 'IRP_MJ_DEVICE_CONTROL', [IRP_MJ.CLEANUP]: 'IRP_MJ_CLEANUP',
};

let ddi: DriverApi;

/**
 * How the DPC takes the read it completes (given the extension's read list): the cancel-safe queue's
 * IoCsqRemoveNextIrp. PnpDeviceOwnList.ts, the violating twin, swaps in its shortcut with takeReadsWith().
 */
let takeNextRead = (ext: number, _readQueue: number): number => ddi.IoCsqRemoveNextIrp(ext + EXT.CSQ, 0);
export function takeReadsWith(take: (readQueue: number) => number): void {
  takeNextRead = (_ext, readQueue) => take(readQueue);
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: (d: number, i: number) => number) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mj(IRP_MJ.CLEANUP, DispatchCleanup);
  mj(IRP_MJ.READ, DispatchRead);
  mj(IRP_MJ.WRITE, DispatchWrite);
  mj(IRP_MJ.DEVICE_CONTROL, DispatchDeviceControl);
  mj(IRP_MJ.PNP, DispatchPnp);
  mj(IRP_MJ.POWER, DispatchPower);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('PnpDevice: DriverEntry\n'));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.DbgPrint(ddi.str('PnpDevice: DriverUnload\n'));
}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8 + 4, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PnpDevice'));
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, name, FILE_DEVICE_UNKNOWN, 0, 0, name + 8);
  const fdo = mem.u32(name + 8);
  ddi.ExFreePoolWithTag(name, TAG);
  if (!NT_SUCCESS(status)) return status;
  const ext = extensionOf(fdo);
  mem.fill(ext, EXT_SIZE, 0);
  mem.setU32(ext + EXT.PDO, PhysicalDeviceObject);
  mem.setU32(ext + EXT.DEVICE_POWER, DEVICE_POWER_STATE.PowerDeviceD3);
  ddi.IoInitializeRemoveLockEx(ext + EXT_REMOVE_LOCK, TAG, 0, 0, IO_REMOVE_LOCK.size);
  ddi.KeInitializeSpinLock(ext + EXT.QUEUE_LOCK);
  ddi.KeInitializeSpinLock(ext + EXT.DATA_LOCK);
  InitializeListHead(mem, ext + EXT.READ_QUEUE);
  ddi.IoCsqInitialize(ext + EXT.CSQ, ddi.addressOf(CsqInsertIrp), ddi.addressOf(CsqRemoveIrp), ddi.addressOf(CsqPeekNextIrp),
    ddi.addressOf(CsqAcquireLock), ddi.addressOf(CsqReleaseLock), ddi.addressOf(CsqCompleteCanceledIrp));
  // IoInitializeDpcRequest: the device object's own DPC runs the DPC for the ISR.
  ddi.KeInitializeDpc(fdo + DEVICE_OBJECT.off.Dpc!, ddi.addressOf(DpcForIsr), fdo);
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT.LOWER, lower);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (mem.u32(fdo + DEVICE_OBJECT.off.Flags) | DO.BUFFERED_IO | DO.POWER_PAGABLE) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpDevice: AddDevice\n'));
  return STATUS.SUCCESS;
}

function extensionOf(device: number): number {
  return ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
}

const flags = (ext: number) => ddi.mem.u32(ext + EXT.FLAGS);
const setFlags = (ext: number, set: number, clear = 0) => ddi.mem.setU32(ext + EXT.FLAGS, (flags(ext) | set) & ~clear);
const bump = (ext: number, at: number) => ddi.mem.setU32(ext + at, ddi.mem.u32(ext + at) + 1);
const gone = (ext: number) => (flags(ext) & (F.SURPRISE_REMOVED | F.REMOVED)) !== 0;
/** The device serves the queue: started, in D0, not stopping, not leaving. */
const serving = (ext: number) => (flags(ext) & (F.STARTED | F.POWERED | F.STOP_PENDING | F.REMOVE_PENDING | F.SURPRISE_REMOVED | F.REMOVED)) === (F.STARTED | F.POWERED);

function acquire(ext: number, Irp: number): number {
  return ddi.IoAcquireRemoveLockEx(ext + EXT_REMOVE_LOCK, Irp, 0, 0, IO_REMOVE_LOCK.size);
}

function release(ext: number, Irp: number): void {
  ddi.IoReleaseRemoveLockEx(ext + EXT_REMOVE_LOCK, Irp, IO_REMOVE_LOCK.size);
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Complete a request that holds the remove lock, then give the hold back. */
function CompleteAndRelease(ext: number, Irp: number, status: number, information: number): number {
  Complete(Irp, status, information);
  release(ext, Irp);
  return status;
}

function PassDown(ext: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(ddi.mem.u32(ext + EXT.LOWER), Irp);
}

function trace(what: string): void {
  ddi.DbgPrint(ddi.str(`PnpDevice: ${what}\n`));
}

// ---- the cancel-safe read queue ---------------------------------------------------------------

const extOfCsq = (Csq: number) => Csq - EXT.CSQ;

function CsqInsertIrp(Csq: number, Irp: number): void {
  InsertTailList(ddi.mem, extOfCsq(Csq) + EXT.READ_QUEUE, Irp + LIST_ENTRY_OFFSET);
}

function CsqRemoveIrp(_Csq: number, Irp: number): void {
  const mem = ddi.mem;
  const entry = Irp + LIST_ENTRY_OFFSET;
  const flink = mem.u32(entry);
  const blink = mem.u32(entry + 4);
  mem.setU32(blink, flink);
  mem.setU32(flink + 4, blink);
}

/** The IRP after Irp (the first when Irp is NULL) whose file object is PeekContext (any, when NULL). */
function CsqPeekNextIrp(Csq: number, Irp: number, PeekContext: number): number {
  const mem = ddi.mem;
  const head = extOfCsq(Csq) + EXT.READ_QUEUE;
  for (let e = mem.u32(Irp === 0 ? head : Irp + LIST_ENTRY_OFFSET); e !== head; e = mem.u32(e)) {
    const irp = e - LIST_ENTRY_OFFSET;
    if (PeekContext === 0 || mem.u32(IoGetCurrentIrpStackLocation(mem, irp) + S.FileObject) === PeekContext) return irp;
  }
  return 0;
}

function CsqAcquireLock(Csq: number, Irql: number): void {
  ddi.KeAcquireSpinLock(extOfCsq(Csq) + EXT.QUEUE_LOCK, Irql);
}

function CsqReleaseLock(Csq: number, Irql: number): void {
  ddi.KeReleaseSpinLock(extOfCsq(Csq) + EXT.QUEUE_LOCK, Irql);
}

function CsqCompleteCanceledIrp(Csq: number, Irp: number): void {
  const ext = extOfCsq(Csq);
  bump(ext, EXT.READS_CANCELLED);
  CompleteAndRelease(ext, Irp, STATUS.CANCELLED, 0);
}

/** Complete every queued read (of one file, or all) with `status`. */
function FlushReads(ext: number, fileObject: number, status: number): void {
  for (let irp = ddi.IoCsqRemoveNextIrp(ext + EXT.CSQ, fileObject); irp !== 0; irp = ddi.IoCsqRemoveNextIrp(ext + EXT.CSQ, fileObject)) {
    if (status === STATUS.CANCELLED) bump(ext, EXT.READS_CANCELLED);
    CompleteAndRelease(ext, irp, status, 0);
  }
}

/** Let the DPC serve the queue (it runs before this returns below DISPATCH_LEVEL). */
function KickQueue(DeviceObject: number): void {
  ddi.KeInsertQueueDpc(DeviceObject + DEVICE_OBJECT.off.Dpc!, 0, 0);
}

// ---- the hardware ------------------------------------------------------------------------------

const dmaOp = (adapter: number, name: string) => ddi.routine(ddi.mem.u32(ddi.mem.u32(adapter + DMA_ADAPTER.off.DmaOperations!) + DMA_OPERATIONS.off[name]!));

/** Map the registers, connect the interrupt, take the DMA adapter and its common buffer. */
function StartHardware(DeviceObject: number, ext: number, translated: number): number {
  const mem = ddi.mem;
  if (translated === 0 || mem.u32(translated + CM_RESOURCE_LIST.off.Count!) === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const partial = translated + CM_RESOURCE_LIST.off.List! + CM_FULL_RESOURCE_DESCRIPTOR.off.PartialResourceList!;
  let interrupt = 0;
  for (let i = 0; i < mem.u32(partial + CM_PARTIAL_RESOURCE_LIST.off.Count!); i++) {
    const d = partial + CM_PARTIAL_RESOURCE_LIST.off.PartialDescriptors! + i * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
    const type = mem.u8(d + D.Type!);
    if (type === CM_RESOURCE_TYPE.CmResourceTypeMemory && mem.u32(ext + EXT.REGS) === 0) {
      const length = mem.u32(d + D['u.Memory.Length']!);
      const start = (BigInt(mem.u32(d + D['u.Memory.Start.HighPart']!)) << 32n) | BigInt(mem.u32(d + D['u.Memory.Start.LowPart']!));
      const va = ddi.MmMapIoSpace(start, length, 0);
      if (va === 0) return STATUS.INSUFFICIENT_RESOURCES;
      mem.setU32(ext + EXT.REGS, va);
      mem.setU32(ext + EXT.REGS_LENGTH, length);
    } else if (type === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) {
      interrupt = d;
    }
  }
  if (mem.u32(ext + EXT.REGS) === 0 || interrupt === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const latched = (mem.u16(interrupt + D.Flags!) & CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LATCHED) !== 0;
  const irql = mem.u16(interrupt + D['u.Interrupt.Level']!);
  const status = ddi.IoConnectInterrupt(ext + EXT.INTERRUPT, ddi.addressOf(Isr), DeviceObject, 0, mem.u32(interrupt + D['u.Interrupt.Vector']!), irql, irql,
    latched ? KINTERRUPT_MODE.Latched : KINTERRUPT_MODE.LevelSensitive, mem.u8(interrupt + D.ShareDisposition!) === CM_SHARE_DISPOSITION.CmResourceShareShared ? 1 : 0,
    mem.u32(interrupt + D['u.Interrupt.Affinity']!), 0);
  if (!NT_SUCCESS(status)) return status;
  const description = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, DEVICE_DESCRIPTION.size, TAG);
  if (description === 0) return STATUS.INSUFFICIENT_RESOURCES;
  mem.fill(description, DEVICE_DESCRIPTION.size, 0);
  mem.setU8(description + DEVICE_DESCRIPTION.off.Master!, 1);
  mem.setU8(description + DEVICE_DESCRIPTION.off.Dma32BitAddresses!, 1);
  mem.setU32(description + DEVICE_DESCRIPTION.off.MaximumLength!, PAGE);
  const adapter = ddi.IoGetDmaAdapter(mem.u32(ext + EXT.PDO), description, ext + EXT.MAP_REGISTERS);
  ddi.ExFreePoolWithTag(description, TAG);
  if (adapter === 0) return STATUS.INSUFFICIENT_RESOURCES;
  mem.setU32(ext + EXT.ADAPTER, adapter);
  const common = dmaOp(adapter, 'AllocateCommonBuffer')(adapter, PAGE, ext + EXT.COMMON_LOGICAL, 0) as number;
  if (common === 0) return STATUS.INSUFFICIENT_RESOURCES;
  mem.setU32(ext + EXT.COMMON, common);
  mem.setU32(ext + EXT.AVAILABLE, 0);
  return STATUS.SUCCESS;
}

/** Give back what StartHardware took (any part of it). */
function StopHardware(ext: number): void {
  const mem = ddi.mem;
  const adapter = mem.u32(ext + EXT.ADAPTER);
  if (mem.u32(ext + EXT.COMMON) !== 0) {
    dmaOp(adapter, 'FreeCommonBuffer')(adapter, PAGE, mem.u64(ext + EXT.COMMON_LOGICAL) as never, mem.u32(ext + EXT.COMMON), 0);
    mem.setU32(ext + EXT.COMMON, 0);
  }
  if (adapter !== 0) {
    dmaOp(adapter, 'PutDmaAdapter')(adapter);
    mem.setU32(ext + EXT.ADAPTER, 0);
  }
  if (mem.u32(ext + EXT.INTERRUPT) !== 0) {
    ddi.IoDisconnectInterrupt(mem.u32(ext + EXT.INTERRUPT));
    mem.setU32(ext + EXT.INTERRUPT, 0);
  }
  if (mem.u32(ext + EXT.REGS) !== 0) {
    ddi.MmUnmapIoSpace(mem.u32(ext + EXT.REGS), mem.u32(ext + EXT.REGS_LENGTH));
    mem.setU32(ext + EXT.REGS, 0);
  }
}

function Isr(_Interrupt: number, DeviceObject: number): number {
  const ext = extensionOf(DeviceObject);
  const regs = ddi.mem.u32(ext + EXT.REGS);
  // The line may be shared: not ours unless the device says a transfer is done.
  if ((ddi.READ_REGISTER_ULONG(regs + REG.STATUS) & STATUS_TRANSFER_DONE) === 0) return 0;
  const length = ddi.READ_REGISTER_ULONG(regs + REG.DMA_LENGTH);
  ddi.WRITE_REGISTER_ULONG(regs + REG.STATUS, 0);
  bump(ext, EXT.ISRS);
  ddi.mem.setU32(ext + EXT.ISR_IRQL, ddi.KeGetCurrentIrql());
  // IoRequestDpc(DeviceObject, NULL, length): the rest at DISPATCH_LEVEL.
  ddi.KeInsertQueueDpc(DeviceObject + DEVICE_OBJECT.off.Dpc!, 0, length);
  return 1;
}

/** The DPC for the ISR (Context = the bytes the device moved), and the queue's server (Context 0). */
function DpcForIsr(_Dpc: number, DeviceObject: number, _Irp: number, Context: number): void {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  ddi.KeAcquireSpinLockAtDpcLevel(ext + EXT.DATA_LOCK);
  if (Context !== 0) {
    bump(ext, EXT.DPCS);
    mem.setU32(ext + EXT.DPC_IRQL, ddi.KeGetCurrentIrql());
    mem.setU32(ext + EXT.AVAILABLE, Context);
  }
  let irp = 0;
  let length = 0;
  const available = mem.u32(ext + EXT.AVAILABLE);
  if (available !== 0 && serving(ext)) {
    irp = takeNextRead(ext, ext + EXT.READ_QUEUE);
    if (irp !== 0) {
      length = Math.min(available, mem.u32(IoGetCurrentIrpStackLocation(mem, irp) + S['Parameters.Read.Length']));
      mem.copy(mem.u32(irp + I['AssociatedIrp.SystemBuffer']), mem.u32(ext + EXT.COMMON), length);
      mem.setU32(ext + EXT.AVAILABLE, 0);
    }
  }
  ddi.KeReleaseSpinLockFromDpcLevel(ext + EXT.DATA_LOCK);
  if (irp !== 0) {
    bump(ext, EXT.READS_DONE);
    CompleteAndRelease(ext, irp, STATUS.SUCCESS, length);
  }
}

// ---- requests ----------------------------------------------------------------------------------

function DispatchCreateClose(DeviceObject: number, Irp: number): number {
  const ext = extensionOf(DeviceObject);
  const major = ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + S.MajorFunction);
  trace(MAJOR_NAMES[major]!);
  const status = acquire(ext, Irp);
  if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
  // A device that is gone takes no new handle; a close always succeeds.
  return CompleteAndRelease(ext, Irp, major === IRP_MJ.CREATE && gone(ext) ? STATUS.NO_SUCH_DEVICE : STATUS.SUCCESS, 0);
}

function DispatchCleanup(DeviceObject: number, Irp: number): number {
  const ext = extensionOf(DeviceObject);
  trace('IRP_MJ_CLEANUP');
  const status = acquire(ext, Irp);
  if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
  // The handle is closing: its reads will never be collected.
  FlushReads(ext, ddi.mem.u32(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + S.FileObject), STATUS.CANCELLED);
  return CompleteAndRelease(ext, Irp, STATUS.SUCCESS, 0);
}

function DispatchRead(DeviceObject: number, Irp: number): number {
  const ext = extensionOf(DeviceObject);
  trace('IRP_MJ_READ');
  const status = acquire(ext, Irp);
  if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
  if (gone(ext)) return CompleteAndRelease(ext, Irp, STATUS.NO_SUCH_DEVICE, 0);
  if (ddi.mem.u32(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + S['Parameters.Read.Length']) === 0) return CompleteAndRelease(ext, Irp, STATUS.SUCCESS, 0);
  // Queued (marked pending, cancelable) with its remove lock hold; whoever completes it releases that.
  ddi.IoCsqInsertIrp(ext + EXT.CSQ, Irp, 0);
  if (serving(ext)) KickQueue(DeviceObject);
  return STATUS.PENDING;
}

function DispatchWrite(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  trace('IRP_MJ_WRITE');
  const acquired = acquire(ext, Irp);
  if (!NT_SUCCESS(acquired)) return Complete(Irp, acquired, 0);
  if (gone(ext)) return CompleteAndRelease(ext, Irp, STATUS.NO_SUCH_DEVICE, 0);
  // Writes are not held: one that finds the device stopped or asleep fails.
  if (!serving(ext)) return CompleteAndRelease(ext, Irp, STATUS.DEVICE_NOT_READY, 0);
  const length = Math.min(mem.u32(IoGetCurrentIrpStackLocation(mem, Irp) + S['Parameters.Write.Length']), PAGE);
  if (length === 0) return CompleteAndRelease(ext, Irp, STATUS.SUCCESS, 0);
  const oldIrql = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (oldIrql === 0) return CompleteAndRelease(ext, Irp, STATUS.INSUFFICIENT_RESOURCES, 0);
  ddi.KeAcquireSpinLock(ext + EXT.DATA_LOCK, oldIrql);
  // The device holds one transfer until a read takes it.
  const busy = mem.u32(ext + EXT.AVAILABLE) !== 0;
  if (!busy) mem.copy(mem.u32(ext + EXT.COMMON), mem.u32(Irp + I['AssociatedIrp.SystemBuffer']), length);
  ddi.KeReleaseSpinLock(ext + EXT.DATA_LOCK, mem.u8(oldIrql));
  ddi.ExFreePoolWithTag(oldIrql, TAG);
  if (busy) return CompleteAndRelease(ext, Irp, STATUS.DEVICE_NOT_READY, 0);
  // Hand the buffer to the device and ring: it interrupts when the transfer is done.
  const regs = mem.u32(ext + EXT.REGS);
  ddi.WRITE_REGISTER_ULONG(regs + REG.DMA_ADDRESS, mem.u32(ext + EXT.COMMON_LOGICAL));
  ddi.WRITE_REGISTER_ULONG(regs + REG.DMA_LENGTH, length);
  ddi.WRITE_REGISTER_ULONG(regs + REG.STATUS, STATUS_TRANSFER_DONE);
  ddi.WRITE_REGISTER_ULONG(regs + REG.DOORBELL, 1);
  return CompleteAndRelease(ext, Irp, STATUS.SUCCESS, length);
}

/** IOCTL_PNPDEVICE_STATS: ISRs, DPCs, reads completed, reads cancelled, ISR IRQL, DPC IRQL, device power state, map registers (ULONGs). */
function DispatchDeviceControl(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  trace('IRP_MJ_DEVICE_CONTROL');
  const acquired = acquire(ext, Irp);
  if (!NT_SUCCESS(acquired)) return Complete(Irp, acquired, 0);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  if (mem.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_PNPDEVICE_STATS) return CompleteAndRelease(ext, Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
  const fields = [EXT.ISRS, EXT.DPCS, EXT.READS_DONE, EXT.READS_CANCELLED, EXT.ISR_IRQL, EXT.DPC_IRQL, EXT.DEVICE_POWER, EXT.MAP_REGISTERS];
  if (mem.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']) < 4 * fields.length) return CompleteAndRelease(ext, Irp, STATUS.BUFFER_TOO_SMALL, 0);
  const out = mem.u32(Irp + I['AssociatedIrp.SystemBuffer']);
  fields.forEach((at, i) => mem.setU32(out + 4 * i, mem.u32(ext + at)));
  return CompleteAndRelease(ext, Irp, STATUS.SUCCESS, 4 * fields.length);
}

// ---- Plug and Play -----------------------------------------------------------------------------

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  const lock = ext + EXT_REMOVE_LOCK;
  const minor = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + S.MinorFunction);
  trace(pnpMinorName(minor));
  const acquired = acquire(ext, Irp);
  if (!NT_SUCCESS(acquired)) return Complete(Irp, acquired, 0);
  let result: number;
  switch (minor) {
    case IRP_MN_PNP.START_DEVICE: {
      // The bus starts the device first; the function driver starts on the way back up.
      ddi.IoForwardIrpSynchronously(mem.u32(ext + EXT.LOWER), Irp);
      let status = mem.u32(Irp + I['IoStatus.Status']);
      if (NT_SUCCESS(status) && mem.u32(ext + EXT.INTERRUPT) === 0) {
        status = StartHardware(DeviceObject, ext, mem.u32(IoGetCurrentIrpStackLocation(mem, Irp) + S['Parameters.StartDevice.AllocatedResourcesTranslated']));
        if (!NT_SUCCESS(status)) StopHardware(ext);
      }
      if (NT_SUCCESS(status)) {
        setFlags(ext, F.STARTED | F.POWERED, F.STOP_PENDING);
        mem.setU32(ext + EXT.DEVICE_POWER, DEVICE_POWER_STATE.PowerDeviceD0);
        ddi.PoSetPowerState(DeviceObject, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD0);
        KickQueue(DeviceObject);
      }
      result = Complete(Irp, status, 0);
      break;
    }
    case IRP_MN_PNP.QUERY_STOP_DEVICE:
    case IRP_MN_PNP.QUERY_REMOVE_DEVICE:
      // Hold the queue: reads wait until the device is back (or fail when it leaves).
      setFlags(ext, minor === IRP_MN_PNP.QUERY_STOP_DEVICE ? F.STOP_PENDING : F.REMOVE_PENDING);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      break;
    case IRP_MN_PNP.CANCEL_STOP_DEVICE:
    case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
      // The lower drivers go back first; then the queue is released.
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      ddi.IoForwardIrpSynchronously(mem.u32(ext + EXT.LOWER), Irp);
      setFlags(ext, 0, minor === IRP_MN_PNP.CANCEL_STOP_DEVICE ? F.STOP_PENDING : F.REMOVE_PENDING);
      if (serving(ext)) KickQueue(DeviceObject);
      result = Complete(Irp, mem.u32(Irp + I['IoStatus.Status']), 0);
      break;
    case IRP_MN_PNP.STOP_DEVICE:
      // The resources may change: give the hardware back. Queued reads stay for the next START.
      setFlags(ext, 0, F.STARTED);
      StopHardware(ext);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      break;
    case IRP_MN_PNP.SURPRISE_REMOVAL:
      // The hardware is gone: fail what waits for it, stop touching it, give its resources back.
      setFlags(ext, F.SURPRISE_REMOVED, F.STARTED);
      FlushReads(ext, 0, STATUS.NO_SUCH_DEVICE);
      StopHardware(ext);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      break;
    case IRP_MN_PNP.REMOVE_DEVICE: {
      setFlags(ext, F.REMOVED, F.STARTED);
      FlushReads(ext, 0, STATUS.NO_SUCH_DEVICE);
      StopHardware(ext);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      // Wait for every request still holding the lock, then leave the stack.
      ddi.IoReleaseRemoveLockAndWaitEx(lock, Irp, IO_REMOVE_LOCK.size);
      ddi.IoDetachDevice(mem.u32(ext + EXT.LOWER));
      ddi.IoDeleteDevice(DeviceObject);
      return result;
    }
    default:
      result = PassDown(ext, Irp);
  }
  release(ext, Irp);
  return result;
}

// ---- power: the FDO owns the device's power policy ---------------------------------------------

function DispatchPower(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const minor = mem.u8(sp + S.MinorFunction);
  const system = mem.u32(sp + S['Parameters.Power.Type']) === POWER_STATE_TYPE.SystemPowerState;
  const state = mem.u32(sp + S['Parameters.Power.State']);
  const minorName = minor === IRP_MN_POWER.SET_POWER ? 'IRP_MN_SET_POWER' : minor === IRP_MN_POWER.QUERY_POWER ? 'IRP_MN_QUERY_POWER' : `IRP_MJ_POWER ${minor}`;
  trace(`${minorName} (${system ? systemStateName(state) : deviceStateName(state)})`);
  const acquired = acquire(ext, Irp);
  if (!NT_SUCCESS(acquired)) {
    ddi.PoStartNextPowerIrp(Irp);
    return Complete(Irp, acquired, 0);
  }
  const lower = mem.u32(ext + EXT.LOWER);
  if (minor === IRP_MN_POWER.SET_POWER && system) {
    // S-IRP: down first; the D-IRP is requested on the way back up, and completes this one.
    IoMarkIrpPending(mem, Irp);
    IoCopyCurrentIrpStackLocationToNext(mem, Irp);
    IoSetCompletionRoutine(mem, Irp, ddi.addressOf(SystemPowerComplete), ext, true, true, true);
    ddi.PoCallDriver(lower, Irp);
    return STATUS.PENDING;
  }
  if (minor === IRP_MN_POWER.SET_POWER && state > mem.u32(ext + EXT.DEVICE_POWER)) {
    // Powering down: hold the queue, tell the power manager, then the bus powers the device off.
    setFlags(ext, 0, F.POWERED);
    mem.setU32(ext + EXT.DEVICE_POWER, state);
    ddi.PoSetPowerState(DeviceObject, POWER_STATE_TYPE.DevicePowerState, state);
    ddi.PoStartNextPowerIrp(Irp);
    const status = PassDown(ext, Irp);
    release(ext, Irp);
    return status;
  }
  if (minor === IRP_MN_POWER.SET_POWER) {
    // Powering up: the bus powers the device first; the queue is released on the way back up.
    IoMarkIrpPending(mem, Irp);
    IoCopyCurrentIrpStackLocationToNext(mem, Irp);
    IoSetCompletionRoutine(mem, Irp, ddi.addressOf(DevicePowerUpComplete), ext, true, true, true);
    ddi.PoCallDriver(lower, Irp);
    return STATUS.PENDING;
  }
  // QUERY_POWER (nothing here refuses a transition), WAIT_WAKE, POWER_SEQUENCE: the bus answers.
  ddi.PoStartNextPowerIrp(Irp);
  const status = PassDown(ext, Irp);
  release(ext, Irp);
  return status;
}

function SystemPowerComplete(DeviceObject: number, Irp: number, Context: number): number {
  const mem = ddi.mem;
  const ext = Context;
  if (NT_SUCCESS(mem.u32(Irp + I['IoStatus.Status']))) {
    const system = mem.u32(IoGetCurrentIrpStackLocation(mem, Irp) + S['Parameters.Power.State']);
    const device = system === SYSTEM_POWER_STATE.PowerSystemWorking ? DEVICE_POWER_STATE.PowerDeviceD0 : DEVICE_POWER_STATE.PowerDeviceD3;
    const requested = ddi.PoRequestPowerIrp(DeviceObject, IRP_MN_POWER.SET_POWER, device, ddi.addressOf(DevicePowerRequestComplete), Irp, 0);
    if (NT_SUCCESS(requested)) return STATUS.MORE_PROCESSING_REQUIRED;
    mem.setU32(Irp + I['IoStatus.Status'], requested);
  }
  ddi.PoStartNextPowerIrp(Irp);
  release(ext, Irp);
  return STATUS.SUCCESS;
}

/** The D-IRP is done: complete the S-IRP that asked for it (Context) with its status. */
function DevicePowerRequestComplete(DeviceObject: number, _MinorFunction: number, _PowerState: number, Context: number, IoStatus: number): void {
  const sIrp = Context;
  ddi.mem.setU32(sIrp + I['IoStatus.Status'], ddi.mem.u32(IoStatus));
  ddi.PoStartNextPowerIrp(sIrp);
  ddi.IofCompleteRequest(sIrp, IO_NO_INCREMENT);
  release(extensionOf(DeviceObject), sIrp);
}

function DevicePowerUpComplete(DeviceObject: number, Irp: number, Context: number): number {
  const mem = ddi.mem;
  const ext = Context;
  if (NT_SUCCESS(mem.u32(Irp + I['IoStatus.Status']))) {
    const state = mem.u32(IoGetCurrentIrpStackLocation(mem, Irp) + S['Parameters.Power.State']);
    ddi.PoSetPowerState(DeviceObject, POWER_STATE_TYPE.DevicePowerState, state);
    mem.setU32(ext + EXT.DEVICE_POWER, state);
    if (state === DEVICE_POWER_STATE.PowerDeviceD0) {
      setFlags(ext, F.POWERED);
      if (serving(ext)) KickQueue(DeviceObject);
    }
  }
  ddi.PoStartNextPowerIrp(Irp);
  release(ext, Irp);
  return STATUS.SUCCESS;
}
