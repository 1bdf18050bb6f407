/**
 * PnpDeviceOwnList: the violating twin of PnpDevice (the TypeScript side of PnpDeviceOwnList.c). It is
 * PnpDevice with one change: its DPC takes the oldest read straight off the driver's own list (the
 * list the cancel-safe queue's routines keep) instead of IoCsqRemoveNextIrp, so the read it completes
 * still has the queue's cancel routine set: a cancel could take the same IRP at the same time. Driver
 * Verifier's I/O verification (in /standard) stops the completion, 0xC9/0x07.
 */
import { IRP, IsListEmpty, RemoveHeadList, type DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpDeviceEntry, takeReadsWith } from './PnpDevice.ts';

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  takeReadsWith(TakeOldestRead);
  return PnpDeviceEntry(DriverObject, RegistryPath, api);
}

/** The twin's shortcut: the oldest read, unlinked from the driver's own list behind the queue's back. */
function TakeOldestRead(readQueue: number): number {
  if (IsListEmpty(ddi.mem, readQueue)) return 0;
  return RemoveHeadList(ddi.mem, readQueue) - IRP.off['Tail.ListEntry']!;
}
