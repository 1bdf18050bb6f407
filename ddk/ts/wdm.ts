/**
 * The WDM header macros, for drivers written in TypeScript: what C drivers get from wdm.h as
 * inline functions and macros (IoGetCurrentIrpStackLocation, IoMarkIrpPending, list macros...).
 * They only read and write memory; every kernel service goes through the driver's DDI table.
 */
import { IO_STACK_LOCATION, IRP, LIST_ENTRY, OBJECT_ATTRIBUTES, UNICODE_STRING } from '../../src/nt/layout.ts';
import { SL } from '../../src/nt/io.ts';

export * from '../../src/nt/index.ts';
export type { DriverApi } from '../../src/loader/ts/ts-image.ts';
/** `ddi.__try(body, { except, handler })` or `ddi.__try(body, { finally })`: C's __try (EXCEPTION_EXECUTE_HANDLER etc. come with the layouts). */
export type { ExceptionRecordView, SehClauses } from '../../src/kernel/ke/except.ts';

/** The memory accessor a driver receives as `ddi.mem`. */
export interface Mem {
  u8(va: number): number;
  u16(va: number): number;
  u32(va: number): number;
  setU8(va: number, v: number): void;
  setU16(va: number, v: number): void;
  setU32(va: number, v: number): void;
}

const I = IRP.off;
const S = IO_STACK_LOCATION.off;

export function IoGetCurrentIrpStackLocation(mem: Mem, irp: number): number {
  return mem.u32(irp + I['Tail.CurrentStackLocation']);
}

export function IoGetNextIrpStackLocation(mem: Mem, irp: number): number {
  return IoGetCurrentIrpStackLocation(mem, irp) - IO_STACK_LOCATION.size;
}

export function IoMarkIrpPending(mem: Mem, irp: number): void {
  const sp = IoGetCurrentIrpStackLocation(mem, irp);
  mem.setU8(sp + S.Control, mem.u8(sp + S.Control) | SL.PENDING_RETURNED);
}

export function IoSkipCurrentIrpStackLocation(mem: Mem, irp: number): void {
  mem.setU8(irp + I.CurrentLocation, mem.u8(irp + I.CurrentLocation) + 1);
  mem.setU32(irp + I['Tail.CurrentStackLocation'], IoGetCurrentIrpStackLocation(mem, irp) + IO_STACK_LOCATION.size);
}

export function IoCopyCurrentIrpStackLocationToNext(mem: Mem, irp: number): void {
  const cur = IoGetCurrentIrpStackLocation(mem, irp);
  const next = cur - IO_STACK_LOCATION.size;
  for (let o = 0; o < S.CompletionRoutine; o += 4) mem.setU32(next + o, mem.u32(cur + o));
  mem.setU8(next + S.Control, 0);
}

export function IoSetCompletionRoutine(mem: Mem, irp: number, routine: number, context: number, onSuccess: boolean, onError: boolean, onCancel: boolean): void {
  const next = IoGetNextIrpStackLocation(mem, irp);
  mem.setU32(next + S.CompletionRoutine, routine);
  mem.setU32(next + S.Context, context);
  mem.setU8(next + S.Control, (onSuccess ? SL.INVOKE_ON_SUCCESS : 0) | (onError ? SL.INVOKE_ON_ERROR : 0) | (onCancel ? SL.INVOKE_ON_CANCEL : 0));
}

/** Set Irp->IoStatus.Status and .Information. */
export function SetIoStatus(mem: Mem, irp: number, status: number, information: number): void {
  mem.setU32(irp + I['IoStatus.Status'], status);
  mem.setU32(irp + I['IoStatus.Information'], information);
}

export function InitializeListHead(mem: Mem, head: number): void {
  mem.setU32(head + LIST_ENTRY.off.Flink, head);
  mem.setU32(head + LIST_ENTRY.off.Blink, head);
}

export function IsListEmpty(mem: Mem, head: number): boolean {
  return mem.u32(head + LIST_ENTRY.off.Flink) === head;
}

export function InsertTailList(mem: Mem, head: number, entry: number): void {
  const blink = mem.u32(head + LIST_ENTRY.off.Blink);
  mem.setU32(entry + LIST_ENTRY.off.Flink, head);
  mem.setU32(entry + LIST_ENTRY.off.Blink, blink);
  mem.setU32(blink + LIST_ENTRY.off.Flink, entry);
  mem.setU32(head + LIST_ENTRY.off.Blink, entry);
}

export function RemoveHeadList(mem: Mem, head: number): number {
  const entry = mem.u32(head + LIST_ENTRY.off.Flink);
  const next = mem.u32(entry + LIST_ENTRY.off.Flink);
  mem.setU32(head + LIST_ENTRY.off.Flink, next);
  mem.setU32(next + LIST_ENTRY.off.Blink, head);
  return entry;
}

export const UNICODE_STRING_SIZE = UNICODE_STRING.size;

/** InitializeObjectAttributes: name an object (a registry key) for ZwOpenKey / ZwCreateKey. */
export function InitializeObjectAttributes(mem: Mem, p: number, name: number, attributes: number, root: number, securityDescriptor: number): void {
  const O = OBJECT_ATTRIBUTES.off;
  mem.setU32(p + O.Length, OBJECT_ATTRIBUTES.size);
  mem.setU32(p + O.RootDirectory, root);
  mem.setU32(p + O.ObjectName, name);
  mem.setU32(p + O.Attributes, attributes);
  mem.setU32(p + O.SecurityDescriptor, securityDescriptor);
  mem.setU32(p + O.SecurityQualityOfService, 0);
}
