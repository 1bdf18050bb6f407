/**
 * Wdf01000.sys as the debugger sees it: a module whose symbols are the framework's routines, so a
 * stack through the framework reads `Wdf01000!imp_WdfRequestComplete+0x..` (the exported DDIs,
 * named `imp_<Name>` as in the framework's own symbols) and `Wdf01000!FxIoQueue::DispatchEvents+0x..`
 * (its internal routines). Each routine's slot comes from a hash of its name (the next free one on a
 * collision, names taken in sorted order) in an image of fixed size: adding a DDI or a routine moves
 * no other routine and does not change the image's size, so the debugger's goldens do not shift
 * each time the framework grows.
 */
import { hashedSlot } from '../kernel/nt-image.ts';
import type { FunctionSymbol, ModuleInfo } from '../kernel/symbols.ts';
import { WDF_LIBRARY_MODULE } from '../nt/wdf.ts';

const FIRST_ROUTINE_RVA = 0x1000;
const ROUTINE_SIZE = 0x40;
/** Slots for routines: several times what the framework has, so collisions stay rare. */
const ROUTINE_SLOTS = 0x1000;
/** Where in a routine a frame's return address points (a call a little way into its body). */
export const FRAME_OFFSET = 0x3c;

/** The framework's internal routines that appear in stacks (frames of its dispatch and callbacks). */
export const FX_ROUTINES = [
  'FxDriverEntryWorker',
  'FxDevice::DispatchWithLock',
  'FxPkgIo::Dispatch',
  'FxPkgGeneral::Dispatch',
  'FxIoQueue::DispatchEvents',
  'FxIoQueue::QueueRequest',
  'FxIoQueueIoRead::Invoke',
  'FxIoQueueIoWrite::Invoke',
  'FxIoQueueIoDeviceControl::Invoke',
  'FxIoQueueIoInternalDeviceControl::Invoke',
  'FxIoQueueIoDefault::Invoke',
  'FxFileObjectFileCreate::Invoke',
  'FxFileObjectFileClose::Invoke',
  'FxFileObjectFileCleanup::Invoke',
  'FxIoInCallerContext::Invoke',
  'FxRequest::Complete',
  'FxObject::CallCleanupCallbacks',
  'FxObject::ProcessDestroy',
  'FxDriver::Unload',
  'FxStubDriverUnload',
  'FxDevice::DispatchShutdown',
  'FxVerifierBugCheckWorker',
  'FxVerifierDbgBreakPoint',
  'FxRequest::CancelRoutine',
  'FxIoQueue::CancelForQueue',
  // DMA (dma-transaction.ts): the adapter's execution routines, then the driver's EvtProgramDma.
  'FxDmaScatterGatherTransaction::_AdapterListControl',
  'FxDmaPacketTransaction::_AdapterControl',
  // The PnP/power half (pnp/, power/, io-target.ts, timer.ts, workitem.ts, sync.ts).
  'FxDriver::AddDevice',
  'FxPkgPnp::Dispatch',
  'FxPkgPnp::PowerDispatch',
  'FxPkgFdo::_DevicePowerRequestComplete',
  'FxPnpDevicePrepareHardware::Invoke',
  'FxPnpDeviceReleaseHardware::Invoke',
  'FxPnpDeviceD0Entry::Invoke',
  'FxPnpDeviceD0EntryPostInterruptsEnabled::Invoke',
  'FxPnpDeviceD0Exit::Invoke',
  'FxPnpDeviceD0ExitPreInterruptsDisabled::Invoke',
  'FxPnpDeviceSelfManagedIoInit::Invoke',
  'FxPnpDeviceSelfManagedIoSuspend::Invoke',
  'FxPnpDeviceSelfManagedIoRestart::Invoke',
  'FxPnpDeviceSelfManagedIoFlush::Invoke',
  'FxPnpDeviceSelfManagedIoCleanup::Invoke',
  'FxPnpDeviceSurpriseRemoval::Invoke',
  'FxPnpDeviceQueryRemove::Invoke',
  'FxPnpDeviceQueryStop::Invoke',
  'FxIoQueueIoStop::Invoke',
  'FxIoQueueIoResume::Invoke',
  'FxIoQueueIoCanceledOnQueue::Invoke',
  'FxIoQueue::StopComplete',
  'FxIoTarget::Send',
  'FxRequestBase::_IrpCompletionRoutine',
  'FxRequestBase::CompletionRoutine',
  'FxTimer::_FxTimerDpcThunk',
  'FxWorkItem::WorkItemThunk',
  'FxVerifierWaitTimeout',
  'FxPowerIdleMachine::_PowerTimeoutDpcRoutine',
  'FxPkgPnp::_PowerPolicyWorkItem',
  'FxPkgPnp::PowerPolicyDispatch',
  'FxInterrupt::_InterruptThunk',
  'FxInterrupt::_InterruptDpcThunk',
  'FxInterrupt::_InterruptSynchronizeThunk',
  // Bus drivers (pnp/pdo.ts, pnp/child-list.ts, pnp/query-interface.ts).
  'FxPkgPdo::Dispatch',
  'FxChildList::CreateDevice',
  'FxChildList::DescriptionCallback',
  'FxPkgPnp::HandleQueryInterface',
  // Power policy and wake (power/policy.ts).
  'FxPkgPnp::_PowerWaitWakeCompletionRoutine',
  'FxPowerDeviceArmWakeFromS0::Invoke',
  'FxPowerDeviceDisarmWakeFromS0::Invoke',
  'FxPowerDeviceWakeFromS0Triggered::Invoke',
  'FxPowerDeviceArmWakeFromSx::Invoke',
  'FxPowerDeviceDisarmWakeFromSx::Invoke',
  'FxPowerDeviceWakeFromSxTriggered::Invoke',
  'FxPowerDeviceArmWakeFromSxWithReason::Invoke',
  // I/O targets and driver-created requests (io-target.ts, io-target-remote.ts, request-create.ts).
  'FxIoTarget::SubmitPendedRequest',
  'FxIoTarget::CancelPendedRequest',
  'FxIoTargetRemote::Open',
  'FxIoTargetRemote::Close',
  'FxIoTargetRemote::_PlugPlayNotification',
  'FxIoTarget::SubmitSync',
  'FxRequest::_Create',
  // The power framework registration the framework makes for a system-managed idle device (power/pofx.ts).
  'FxPoxInterface::PowerRequiredCallback',
  'FxPoxInterface::PowerNotRequiredCallback',
  'FxPoxInterface::ComponentActiveCallback',
  'FxPoxInterface::ComponentIdleCallback',
  'FxPoxInterface::ComponentIdleStateCallback',
  'FxPoxInterface::PoxRegisterDevice',
] as const;
export type FxRoutine = (typeof FX_ROUTINES)[number];

export class WdfImage {
  readonly module: ModuleInfo;
  private readonly byName = new Map<string, number>();

  constructor(base: number, ddiNames: readonly string[]) {
    const names = [...FX_ROUTINES, ...ddiNames.map((n) => `imp_${n}`)].sort();
    if (names.length > ROUTINE_SLOTS) throw new Error(`Wdf01000 has ${names.length} routines for ${ROUTINE_SLOTS} slots`);
    const taken = new Set<number>();
    const functions: FunctionSymbol[] = names.map((name) => {
      const slot = hashedSlot(name, ROUTINE_SLOTS, taken);
      return { name, start: base + FIRST_ROUTINE_RVA + slot * ROUTINE_SIZE, size: ROUTINE_SIZE };
    });
    functions.sort((a, b) => a.start - b.start);
    for (const f of functions) this.byName.set(f.name, f.start);
    this.module = {
      name: WDF_LIBRARY_MODULE,
      imageName: `${WDF_LIBRARY_MODULE}.sys`,
      base,
      size: WdfImage.size,
      symbols: { functions, files: [], lines: [] },
    };
  }

  static readonly size = FIRST_ROUTINE_RVA + ROUTINE_SLOTS * ROUTINE_SIZE;

  /** A routine's address (+ offset): `FxIoQueue::DispatchEvents`, or `imp_WdfRequestComplete`. */
  address(name: string, offset = 0): number {
    const a = this.byName.get(name);
    if (a === undefined) throw new Error(`Wdf01000 has no routine ${name}`);
    return a + offset;
  }
}
