/**
 * battc.sys, the battery class driver, as a library image drivers bind to (module BATTC, batclass.h's
 * BATTC_IMPORT routines). On Windows it is a kernel-mode export driver of its own, not part of
 * ntoskrnl: a battery miniclass driver imports from BATTC.SYS, and its frames read `battc!...`. So
 * it is a library beside Wdf01000 (src/loader/library.ts), built on the kernel's DDIs, and a machine
 * whose drivers never import it never loads it.
 *
 * What it does, after the DDI reference: BatteryClassInitializeDevice registers and enables the
 * GUID_DEVICE_BATTERY interface on the miniport's PDO; BatteryClassIoctl answers the four battery
 * IOCTLs by calling the miniport's callbacks and completes the IRP (any other IOCTL: STATUS_NOT_SUPPORTED,
 * the IRP left to the miniport); BatteryClassUnload disables the interface and frees the class data.
 * Simplified: IOCTL_BATTERY_QUERY_STATUS answers at once (as with a zero Timeout) instead of waiting
 * for the status to leave the caller's bounds, so BatteryClassStatusNotify has nothing to wake; the
 * class registers no WMI blocks of its own (BatteryClassSystemControl forwards, BatteryClassQueryWmiDataBlock
 * says STATUS_WMI_GUID_NOT_FOUND, which the miniport then answers itself).
 */
import { PAGE_SIZE, PageKind } from '../kernel/mm/address-space.ts';
import { ddiFault, SimulatorError } from '../kernel/errors.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { writeGuid } from '../kernel/pnp/interfaces.ts';
import type { FunctionSymbol, ModuleInfo } from '../kernel/symbols.ts';
import { IRP_MJ } from '../nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { POOL_TYPE, poolTag } from '../nt/pool.ts';
import { STATUS } from '../nt/status.ts';
import { BATTC_LIBRARY_MODULE as BATTC_MODULE } from '../nt/battc.ts';

const TAG = poolTag('BtcD');
const GUID_DEVICE_BATTERY = '{72631E54-78A4-11D0-BCF7-00AA00B7B32A}';

/** batclass.h's battery IOCTLs (FILE_DEVICE_BATTERY, METHOD_BUFFERED). */
export const IOCTL_BATTERY = { QUERY_TAG: 0x294040, QUERY_INFORMATION: 0x294044, SET_INFORMATION: 0x298048, QUERY_STATUS: 0x29404c } as const;

/** BATTERY_MINIPORT_INFO(_V1_1): offsets on wasm32. */
const MI = { MajorVersion: 0, MinorVersion: 2, Context: 4, QueryTag: 8, QueryInformation: 12, SetInformation: 16, QueryStatus: 20, SetStatusNotify: 24, DisableStatusNotify: 28, Pdo: 32, DeviceName: 36 } as const;
const MI_SIZE = 40;
/** The class data block: the GUID and link name IoRegisterDeviceInterface takes, and two ULONG out-parameters for callbacks. */
const CD = { Guid: 0, LinkName: 16, Out0: 24, Out1: 28 } as const;
const CD_SIZE = 32;
const BATTERY_STATUS_SIZE = 16;
const BATTERY_WAIT_STATUS_SIZE = 20;
const BATTERY_QUERY_INFORMATION_SIZE = 12;

const S = IO_STACK_LOCATION.off;
const I = IRP.off;

interface ClassData {
  readonly context: number;
  readonly queryTag: number;
  readonly queryInformation: number;
  readonly setInformation: number;
  readonly queryStatus: number;
  readonly pdo: number;
}

const ROUTINES = ['BatteryClassInitializeDevice', 'BatteryClassUnload', 'BatteryClassIoctl', 'BatteryClassStatusNotify', 'BatteryClassSystemControl', 'BatteryClassQueryWmiDataBlock'] as const;
const FIRST_RVA = 0x1000;
const ROUTINE_SIZE = 0x100;
const FRAME_OFFSET = 0x3c;

export class BatteryClass {
  readonly module: ModuleInfo;
  private readonly classes = new Map<number, ClassData>();
  private readonly routines: Record<string, (...args: number[]) => number>;

  constructor(
    private readonly k: Kernel,
    placement: { reserve(size: number): number; publish(m: ModuleInfo): void },
  ) {
    const size = Math.ceil((FIRST_RVA + ROUTINES.length * ROUTINE_SIZE) / PAGE_SIZE) * PAGE_SIZE;
    const base = placement.reserve(size);
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    const functions: FunctionSymbol[] = ROUTINES.map((name, i) => ({ name, start: base + FIRST_RVA + i * ROUTINE_SIZE, size: ROUTINE_SIZE }));
    this.module = { name: 'battc', imageName: 'battc.sys', base, size, symbols: { functions, files: [], lines: [] } };
    placement.publish(this.module);
    this.routines = {
      BatteryClassInitializeDevice: (info, out) => this.initialize(info >>> 0, out >>> 0),
      BatteryClassUnload: (cd) => this.unload(cd >>> 0),
      BatteryClassIoctl: (cd, irp) => this.ioctl(cd >>> 0, irp >>> 0),
      BatteryClassStatusNotify: (cd) => (this.classes.has(cd >>> 0) ? STATUS.SUCCESS : STATUS.INVALID_PARAMETER),
      BatteryClassSystemControl: (_cd, _wmi, _dev, _irp, disposition) => {
        // No WMI blocks of the class's own: the miniport sends the IRP on.
        this.k.as.setU32(disposition >>> 0, SYSCTL_IRP_DISPOSITION.IrpForward);
        return STATUS.WMI_GUID_NOT_FOUND;
      },
      BatteryClassQueryWmiDataBlock: () => STATUS.WMI_GUID_NOT_FOUND,
    };
  }

  /** Bind a client's imports: each routine runs under a `battc!<Name>` frame. */
  bind(client: { readonly module: Pick<ModuleInfo, 'imageName'> }, names: readonly string[], _data: readonly string[]) {
    const missing = names.filter((n) => !(n in this.routines));
    if (missing.length > 0) throw new SimulatorError(`${client.module.imageName} imports ${missing.join(', ')} from ${BATTC_MODULE}, which battc.sys does not export`);
    const table: Record<string, (...args: never[]) => unknown> = {};
    for (const name of names) {
      const fn = this.routines[name]!;
      const frame = this.module.symbols.functions.find((f) => f.name === name)!.start + FRAME_OFFSET;
      table[name] = ((...args: number[]) => {
        try {
          return this.k.stacks.frame(frame, () => fn(...args));
        } catch (e) {
          throw ddiFault(e, `battc!${name}`);
        }
      }) as never;
    }
    return { routines: table, data: {}, unbind: () => {} };
  }

  private initialize(info: number, out: number): number {
    const k = this.k;
    if (info === 0 || out === 0) return STATUS.INVALID_PARAMETER;
    const as = k.as;
    if (as.u16(info + MI.MajorVersion) !== 1) return STATUS.REVISION_MISMATCH;
    const pdo = as.u32(info + MI.Pdo);
    const block = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, CD_SIZE, TAG);
    if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
    as.zero(block, CD_SIZE);
    writeGuid(k, block + CD.Guid, GUID_DEVICE_BATTERY);
    // Without a PDO (a legacy miniport) there is no interface to register.
    if (pdo !== 0) {
      const status = k.ddi.IoRegisterDeviceInterface(pdo, block + CD.Guid, 0, block + CD.LinkName) >>> 0;
      if (status !== STATUS.SUCCESS) {
        k.ddi.ExFreePoolWithTag(block, TAG);
        return status;
      }
      k.ddi.IoSetDeviceInterfaceState(block + CD.LinkName, 1);
    }
    this.classes.set(block, {
      context: as.u32(info + MI.Context),
      queryTag: as.u32(info + MI.QueryTag),
      queryInformation: as.u32(info + MI.QueryInformation),
      setInformation: as.u32(info + MI.SetInformation),
      queryStatus: as.u32(info + MI.QueryStatus),
      pdo,
    });
    as.setU32(out, block);
    return STATUS.SUCCESS;
  }

  private unload(cd: number): number {
    const k = this.k;
    const c = this.classes.get(cd);
    if (!c) return STATUS.INVALID_PARAMETER;
    this.classes.delete(cd);
    if (c.pdo !== 0) {
      k.ddi.IoSetDeviceInterfaceState(cd + CD.LinkName, 0);
      k.ddi.RtlFreeUnicodeString(cd + CD.LinkName);
    }
    k.ddi.ExFreePoolWithTag(cd, TAG);
    return STATUS.SUCCESS;
  }

  private ioctl(cd: number, irp: number): number {
    const k = this.k;
    const as = k.as;
    const c = this.classes.get(cd);
    if (!c) return STATUS.INVALID_PARAMETER;
    const sp = k.io.currentStackLocation(irp);
    if (as.u8(sp + S.MajorFunction) !== IRP_MJ.DEVICE_CONTROL) return STATUS.NOT_SUPPORTED;
    const code = as.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']);
    const inLength = as.u32(sp + S['Parameters.DeviceIoControl.InputBufferLength']);
    const outLength = as.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']);
    const buffer = as.u32(irp + I['AssociatedIrp.SystemBuffer']);
    const call = (routine: number, args: readonly number[]) => (k.callRoutine(routine, args) as number) >>> 0;
    let status: number = STATUS.SUCCESS;
    let information = 0;
    switch (code) {
      case IOCTL_BATTERY.QUERY_TAG:
        if (outLength < 4) status = STATUS.INVALID_BUFFER_SIZE;
        else {
          status = call(c.queryTag, [c.context, cd + CD.Out0]);
          if (status === STATUS.SUCCESS) {
            as.setU32(buffer, as.u32(cd + CD.Out0));
            information = 4;
          }
        }
        break;
      case IOCTL_BATTERY.QUERY_INFORMATION: {
        if (inLength < BATTERY_QUERY_INFORMATION_SIZE) {
          status = STATUS.INVALID_BUFFER_SIZE;
          break;
        }
        // The input shares the system buffer the answer is written to: read it first.
        const [tag, level, atRate] = [as.u32(buffer), as.u32(buffer + 4), as.u32(buffer + 8)];
        as.setU32(cd + CD.Out0, 0);
        status = call(c.queryInformation, [c.context, tag, level, atRate, buffer, outLength, cd + CD.Out0]);
        if (status === STATUS.SUCCESS) information = Math.min(as.u32(cd + CD.Out0), outLength);
        break;
      }
      case IOCTL_BATTERY.SET_INFORMATION:
        if (inLength < 8) status = STATUS.INVALID_BUFFER_SIZE;
        else if (c.setInformation === 0) status = STATUS.NOT_SUPPORTED;
        else status = call(c.setInformation, [c.context, as.u32(buffer), as.u32(buffer + 4), inLength > 8 ? buffer + 8 : 0]);
        break;
      case IOCTL_BATTERY.QUERY_STATUS:
        if (inLength < BATTERY_WAIT_STATUS_SIZE || outLength < BATTERY_STATUS_SIZE) status = STATUS.INVALID_BUFFER_SIZE;
        else {
          status = call(c.queryStatus, [c.context, as.u32(buffer), buffer]);
          if (status === STATUS.SUCCESS) information = BATTERY_STATUS_SIZE;
        }
        break;
      default:
        return STATUS.NOT_SUPPORTED;
    }
    as.setU32(irp + I['IoStatus.Status'], status);
    as.setU32(irp + I['IoStatus.Information'], information);
    k.ddi.IoCompleteRequest(irp, 0);
    return status;
  }
}

/** wmilib.h's SYSCTL_IRP_DISPOSITION. */
const SYSCTL_IRP_DISPOSITION = { IrpProcessed: 0, IrpNotCompleted: 1, IrpNotWmi: 2, IrpForward: 3 } as const;

/** The loader's LibraryLoader for BATTC. */
export const battcLoader = async (k: Kernel, placement: { reserve(size: number): number; publish(m: ModuleInfo): void }) => new BatteryClass(k, placement);

/** What dv build lets a driver import from BATTC: batclass.h's declarations. */
export const BATTC_ROUTINES: readonly string[] = ROUTINES;
