/** Pool tags of the kernel's own allocations: one registry (as ReactOS keeps tag.h). */
import { poolTag } from '../nt/pool.ts';

export const TAG = {
  Irp: poolTag('Irp '),
  Mdl: poolTag('Mdl '),
  SystemBuffer: poolTag('IoSB'),
  IoWorkItem: poolTag('IoWI'),
  Driver: poolTag('Driv'),
  Device: poolTag('Devi'),
  File: poolTag('File'),
  /** WMI data block objects (io/wmi-consumer.ts). */
  WmiBlock: poolTag('WmiB'),
  Thread: poolTag('Thre'),
  Process: poolTag('Proc'),
  Name: poolTag('ObNm'),
  UserBuffer: poolTag('UsrB'),
  KeyBody: poolTag('CMkb'),
  RtlRegistry: poolTag('RtlR'),
  RegistryNotify: poolTag('CMcb'),
  /** KTM objects (kernel/tm): transaction managers, resource managers, transactions, enlistments. */
  TmObject: poolTag('TmOb'),
  /** The trace session's TRACE_ENABLE_CONTEXT (kernel/etw). */
  EtwSession: poolTag('EtwC'),
  /** KINTERRUPT objects (hal/interrupts.ts). */
  Interrupt: poolTag('Intr'),
  /** DMA adapters, their operation tables, map register bases and scatter/gather lists (hal/dma.ts). */
  Dma: poolTag('Dma '),
  /** The power manager's (kernel/po): idle counters and the idle scan's timer. */
  PowerIdle: poolTag('PoId'),
  /** The power framework's device registrations (POHANDLE) and their timers (po/pofx.ts). */
  PoFx: poolTag('PoFx'),
  /** Power setting callback registrations and power limit requests (po/setting.ts, po/powerlimit.ts). */
  PoSetting: poolTag('PoSc'),
  PoLimit: poolTag('PoLr'),
  /** The raw and translated CM_RESOURCE_LISTs of a started device (pnp/resources.ts). */
  PnpResources: poolTag('PnpR'),
  /** PnP notification entries and the notification structures their callbacks receive (pnp/notify.ts). */
  PnpNotify: poolTag('PnpN'),
  /** Devnodes (pnp/devnode.ts): the block that gives each its address. */
  PnpDeviceNode: poolTag('PnpD'),
  /** Pages handed to drivers: MmAllocatePagesForMdl(Ex), contiguous and noncached memory (mm/mdl-pages.ts). */
  MdlPages: poolTag('MmPg'),
  /** Where a waiting wasm thread's unwound frames are kept until it resumes (loader/wasm/thread-stack.ts). */
  ThreadStackSave: poolTag('KeSw'),
  /** The WNODEs WMI sends its providers (io/wmi-service.ts). */
  Wmi: poolTag('Wmi '),
  /** WPP recorder logs whose creator gave no LogTag (etw/recorder.ts). */
  WppRecorder: poolTag('WppR'),
} as const;
