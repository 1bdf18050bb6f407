/**
 * KMDF facts for remote I/O targets and driver-created requests: wdfiotarget.h's open parameters and
 * wdfrequest.h's reuse parameters (as the wasm32 C ABI lays them out; test/wdf/TargetLayout.test.ts
 * checks them against ddk/include), and their enums. Values: the KMDF 1.33 headers and the DDI
 * reference's WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_STATE and WDF_REQUEST_REUSE_PARAMS pages.
 */
import { UNICODE_STRING, struct, type StructLayout } from './layout.ts';

export const WDF_IO_TARGET_OPEN_PARAMS = struct('WDF_IO_TARGET_OPEN_PARAMS', [
  ['Size', 'u32'],
  ['Type', 'u32'],
  ['EvtIoTargetQueryRemove', 'ptr'],
  ['EvtIoTargetRemoveCanceled', 'ptr'],
  ['EvtIoTargetRemoveComplete', 'ptr'],
  ['TargetDeviceObject', 'ptr'],
  ['TargetFileObject', 'ptr'],
  ['TargetDeviceName', UNICODE_STRING],
  ['DesiredAccess', 'u32'],
  ['ShareAccess', 'u32'],
  ['FileAttributes', 'u32'],
  ['CreateDisposition', 'u32'],
  ['CreateOptions', 'u32'],
  ['EaBuffer', 'ptr'],
  ['EaBufferLength', 'u32'],
  ['AllocationSize', 'ptr'],
  ['FileInformation', 'u32'],
  ['FileName', UNICODE_STRING],
]);

export const WDF_REQUEST_REUSE_PARAMS = struct('WDF_REQUEST_REUSE_PARAMS', [
  ['Size', 'u32'],
  ['Flags', 'u32'],
  ['Status', 'i32'],
  ['NewIrp', 'ptr'],
]);

export const WDF_TARGET_LAYOUTS: readonly StructLayout[] = [WDF_IO_TARGET_OPEN_PARAMS, WDF_REQUEST_REUSE_PARAMS];

/** WDF_IO_TARGET_OPEN_TYPE. */
export const WDF_IO_TARGET_OPEN_TYPE = { Undefined: 0, UseExistingDevice: 1, ByName: 2, Reopen: 3, LocalTargetByFile: 4 } as const;

/** WDF_IO_TARGET_STATE (WdfIoTargetGetState). */
export const WDF_IO_TARGET_STATE = { Undefined: 0, Started: 1, Stopped: 2, ClosedForQueryRemove: 3, Closed: 4, Deleted: 5, Purged: 6 } as const;
export type WdfIoTargetState = (typeof WDF_IO_TARGET_STATE)[keyof typeof WDF_IO_TARGET_STATE];

/** WDF_IO_TARGET_SENT_IO_ACTION (WdfIoTargetStop). */
export const WDF_IO_TARGET_SENT_IO_ACTION = { Undefined: 0, CancelSentIo: 1, WaitForSentIoToComplete: 2, LeaveSentIoPending: 3 } as const;

/** WDF_IO_TARGET_PURGE_IO_ACTION (WdfIoTargetPurge). */
export const WDF_IO_TARGET_PURGE_IO_ACTION = { Undefined: 0, PurgeIoAndWait: 1, PurgeIo: 2 } as const;

/** WDF_REQUEST_REUSE_FLAGS. */
export const WDF_REQUEST_REUSE = { NoFlags: 0, SetNewIrp: 0x1 } as const;
