/**
 * The IRQL each framework DDI may be called at (the DDI reference's "IRQL" line): PASSIVE_LEVEL for
 * these, DIRQL or any IRQL for the interrupt and context DDIs, DISPATCH_LEVEL at most for the others. A call above it, with the framework's verifier on,
 * is refused: IFR "Called at wrong IRQL; at level %d, should be at level %d", the verifier break,
 * and STATUS_INVALID_DEVICE_REQUEST (or nothing, for a DDI that returns none). No bug check.
 */
import { DISPATCH_LEVEL, HIGH_LEVEL, PASSIVE_LEVEL } from '../nt/irql.ts';

/** What a refused call returns: an NTSTATUS, or nothing (VOID), or a NULL handle or pointer. */
export type Refusal = 'status' | 'void' | 'null';

const PASSIVE: Readonly<Record<string, Refusal>> = {
  WdfDriverCreate: 'status',
  WdfDmaEnablerCreate: 'status',
  WdfCommonBufferCreate: 'status',
  WdfCommonBufferCreateWithConfig: 'status',
  WdfDriverGetRegistryPath: 'null',
  WdfDriverIsVersionAvailable: 'null',
  WdfDeviceCreate: 'status',
  WdfDeviceCreateSymbolicLink: 'status',
  WdfControlDeviceInitAllocate: 'null',
  WdfControlDeviceInitSetShutdownNotification: 'void',
  WdfDeviceInitFree: 'void',
  WdfDeviceInitSetIoType: 'void',
  WdfDeviceInitSetExclusive: 'void',
  WdfDeviceInitSetDeviceType: 'void',
  WdfDeviceInitSetCharacteristics: 'void',
  WdfDeviceInitAssignName: 'status',
  WdfDeviceInitAssignSDDLString: 'status',
  WdfDeviceInitSetFileObjectConfig: 'void',
  WdfDeviceInitSetIoInCallerContextCallback: 'void',
  WdfDeviceInitSetRequestAttributes: 'void',
  WdfStringCreate: 'status',
  WdfRequestProbeAndLockUserBufferForRead: 'status',
  WdfRequestProbeAndLockUserBufferForWrite: 'status',
  WdfRequestRetrieveUnsafeUserInputBuffer: 'status',
  WdfRequestRetrieveUnsafeUserOutputBuffer: 'status',
  // Bus drivers (pnp/pdo.ts, child-list.ts, query-interface.ts).
  WdfPdoInitAllocate: 'null',
  WdfPdoInitSetEventCallbacks: 'void',
  WdfPdoInitAssignDeviceID: 'status',
  WdfPdoInitAssignInstanceID: 'status',
  WdfPdoInitAssignContainerID: 'status',
  WdfPdoInitAddHardwareID: 'status',
  WdfPdoInitAddCompatibleID: 'status',
  WdfPdoInitAddDeviceText: 'status',
  WdfPdoInitSetDefaultLocale: 'void',
  WdfPdoInitAssignRawDevice: 'status',
  WdfPdoInitAllowForwardingRequestToParent: 'void',
  WdfFdoInitSetDefaultChildListConfig: 'void',
  WdfDeviceAddQueryInterface: 'status',
  WdfFdoQueryForInterface: 'status',
  // WDFKEY (registry.ts): every registry routine.
  WdfRegistryOpenKey: 'status',
  WdfRegistryCreateKey: 'status',
  WdfRegistryClose: 'void',
  WdfRegistryWdmGetHandle: 'null',
  WdfRegistryRemoveKey: 'status',
  WdfRegistryRemoveValue: 'status',
  WdfRegistryQueryValue: 'status',
  WdfRegistryQueryMemory: 'status',
  WdfRegistryQueryMultiString: 'status',
  WdfRegistryQueryUnicodeString: 'status',
  WdfRegistryQueryString: 'status',
  WdfRegistryQueryULong: 'status',
  WdfRegistryAssignValue: 'status',
  WdfRegistryAssignMemory: 'status',
  WdfRegistryAssignMultiString: 'status',
  WdfRegistryAssignUnicodeString: 'status',
  WdfRegistryAssignString: 'status',
  WdfRegistryAssignULong: 'status',
  WdfDriverOpenParametersRegistryKey: 'status',
  WdfDeviceOpenRegistryKey: 'status',
  WdfFdoInitOpenRegistryKey: 'status',
  WdfDeviceOpenDevicemapKey: 'status',
  // Device properties (pnp/device-property.ts).
  WdfDeviceQueryProperty: 'status',
  WdfDeviceAllocAndQueryProperty: 'status',
  WdfDeviceQueryPropertyEx: 'status',
  WdfDeviceAllocAndQueryPropertyEx: 'status',
  WdfDeviceAssignProperty: 'status',
  WdfFdoInitQueryProperty: 'status',
  WdfFdoInitAllocAndQueryProperty: 'status',
  WdfFdoInitQueryPropertyEx: 'status',
  WdfFdoInitAllocAndQueryPropertyEx: 'status',
  WdfWmiProviderCreate: 'status',
  WdfWmiInstanceCreate: 'status',
  WdfDeviceAssignMofResourceName: 'status',
  // Remote I/O targets and synchronous sends (io-target-remote.ts, request-create.ts).
  WdfIoTargetCreate: 'status',
  WdfIoTargetOpen: 'status',
  WdfIoTargetClose: 'void',
  WdfIoTargetCloseForQueryRemove: 'void',
  WdfIoTargetQueryTargetProperty: 'status',
  WdfIoTargetAllocAndQueryTargetProperty: 'status',
  WdfIoTargetSendReadSynchronously: 'status',
  WdfIoTargetSendWriteSynchronously: 'status',
  WdfIoTargetSendIoctlSynchronously: 'status',
  WdfIoTargetSendInternalIoctlSynchronously: 'status',
};

/**
 * The DDIs the reference allows above DISPATCH_LEVEL: at the interrupt's DIRQL (an ISR, an
 * EvtInterruptSynchronize routine, inside the interrupt lock) or at any IRQL (the context lookups).
 */
const ABOVE_DISPATCH: ReadonlySet<string> = new Set([
  'WdfInterruptAcquireLock',
  'WdfInterruptReleaseLock',
  'WdfInterruptQueueDpcForIsr',
  'WdfInterruptGetDevice',
  'WdfObjectGetTypedContextWorker',
  'WdfObjectContextGetObject',
  'WdfIoQueueGetState',
]);

/** The highest IRQL `ddi` may be called at, and what it returns when refused. */
export function ddiIrql(ddi: string): { readonly max: number; readonly refusal: Refusal } {
  const passive = PASSIVE[ddi];
  if (passive) return { max: PASSIVE_LEVEL, refusal: passive };
  return { max: ABOVE_DISPATCH.has(ddi) ? HIGH_LEVEL : DISPATCH_LEVEL, refusal: 'status' };
}
