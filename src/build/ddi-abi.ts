/**
 * The wasm signature each C prototype compiles to, derived from its C types by the wasm32 C ABI:
 * 64-bit integers are i64; a LARGE_INTEGER passed by value becomes a pointer to a copy (structs and
 * unions are passed by reference); the variable arguments of a variadic routine become one pointer
 * to their buffer; everything else is an i32. test/ddk checks this against what clang emits.
 */
import type { FuncType, ValType } from './wasm-module.ts';
import type { DdiPrototype } from './headers.ts';

const I64_TYPES = new Set(['LONGLONG', 'ULONGLONG', 'LONG64', 'ULONG64', 'DWORD64', 'INT64', 'UINT64', 'POOL_FLAGS', 'TRACEHANDLE', 'REGHANDLE']);
const BY_VALUE_AGGREGATES = new Set(['LARGE_INTEGER', 'ULARGE_INTEGER', 'PHYSICAL_ADDRESS', 'POWER_STATE']);
/** The 32-bit-or-narrower scalars DDIs take; a type in none of these sets is refused, never guessed. */
const SCALARS_32 = new Set([
  'CHAR', 'UCHAR', 'CCHAR', 'SHORT', 'USHORT', 'CSHORT', 'LONG', 'ULONG', 'INT', 'UINT', 'BOOLEAN', 'KIRQL', 'KPRIORITY',
  'KPROCESSOR_MODE', 'ERESOURCE_THREAD', 'SIZE_T', 'ULONG_PTR', 'LONG_PTR', 'HANDLE', 'NTSTATUS', 'ACCESS_MASK', 'DEVICE_TYPE', 'POOL_TYPE',
  'EX_POOL_PRIORITY', 'EVENT_TYPE', 'TIMER_TYPE', 'KWAIT_REASON', 'WAIT_TYPE', 'WORK_QUEUE_TYPE', 'LOCK_OPERATION', 'MM_PAGE_PRIORITY', 'MEMORY_CACHING_TYPE',
  'size_t',
  // A wasm32 va_list is a pointer into the caller's argument buffer (vDbgPrintEx).
  'va_list',
  'KEY_INFORMATION_CLASS', 'FILE_INFORMATION_CLASS', 'KEY_VALUE_INFORMATION_CLASS', 'DRIVER_REGKEY_TYPE',
  'NOTIFICATION_MASK',
  'KINTERRUPT_MODE', 'KAFFINITY',
  'SYSTEM_POWER_STATE', 'DEVICE_POWER_STATE', 'POWER_STATE_TYPE', 'POWER_ACTION',
  'DEVICE_REGISTRY_PROPERTY', 'LCID', 'DEVPROPTYPE',
  'IO_NOTIFICATION_EVENT_CATEGORY',
  'DEVICE_RELATION_TYPE',
  // The framework's (wdf.h): its handles are pointers, its enums ints.
  'WDFOBJECT', 'WDFCONTEXT', 'WDF_DEVICE_IO_TYPE', 'WDF_REQUEST_TYPE', 'WDF_TRI_STATE', 'WDF_IO_QUEUE_DISPATCH_TYPE',
  'WDF_DEVICE_FAILED_ACTION',
  'WDF_WMI_PROVIDER_CONTROL',
  // wpprecorder.h's handle.
  'RECORDER_LOG',
  'WDF_IO_TARGET_SENT_IO_ACTION', 'WDF_IO_TARGET_PURGE_IO_ACTION', 'WDF_IO_TARGET_STATE',
  'WDF_IO_QUEUE_STATE',
  'WDF_DMA_DIRECTION',
  // A function pointer typedef without a P-name (dv/iowmi.h).
  'WMI_NOTIFICATION_CALLBACK',
]);
/** wdf.h's handle types (DECLARE_HANDLE): WDFDRIVER, WDFDEVICE, ... pointers. */
const WDF_HANDLE = /^WDF[A-Z]+$/;

export type ParamPassing = 'value' | 'i64' | 'aggregateByPointer';

export function classifyCType(type: string): ParamPassing {
  const t = type.replace(/\b(const|volatile|struct|enum)\b/g, '').trim();
  if (t.includes('*')) return 'value';
  if (I64_TYPES.has(t)) return 'i64';
  if (BY_VALUE_AGGREGATES.has(t)) return 'aggregateByPointer';
  if (SCALARS_32.has(t) || WDF_HANDLE.test(t)) return 'value';
  // NT pointer typedefs are P-names (PIRP, PKIRQL, PCWSTR); the P-names that are not pointers are above.
  if (/^L?P[A-Z]/.test(t)) return 'value';
  throw new Error(`unknown C type '${type}': add it to src/build/ddi-abi.ts so its wasm type is known`);
}

const valType = (type: string): ValType => (classifyCType(type) === 'i64' ? 'i64' : 'i32');

/** A LARGE_INTEGER returned by value comes back through a result pointer: a first i32 parameter, no result. */
export function returnsAggregate(p: DdiPrototype): boolean {
  return BY_VALUE_AGGREGATES.has(p.returnType.replace(/\b(const|volatile)\b/g, '').trim());
}

export function wasmSignature(p: DdiPrototype): FuncType {
  const params = p.params.map((x) => valType(x.type));
  if (p.variadic) params.push('i32');
  const ret = p.returnType.replace(/\b(const|volatile)\b/g, '').trim();
  if (returnsAggregate(p)) return { params: ['i32', ...params], results: [] };
  return { params, results: ret === 'VOID' || ret === 'void' ? [] : [valType(ret)] };
}

/** What the loader must adapt: parameters that are not plain 32-bit values, in words. */
export function abiNotes(p: DdiPrototype): string[] {
  const notes = p.params.flatMap((x, i) => {
    const c = classifyCType(x.type);
    if (c === 'i64') return [`${x.name} (#${i}) is i64`];
    if (c === 'aggregateByPointer') return [`${x.name} (#${i}) is a ${x.type} by value: a pointer to a copy`];
    return [];
  });
  if (p.variadic) notes.push(`... (#${p.params.length}) is a pointer to the argument buffer`);
  if (returnsAggregate(p)) notes.push(`returns a ${p.returnType} through a result pointer (a first parameter)`);
  if (wasmSignature(p).results[0] === 'i64') notes.push('returns i64');
  return notes;
}
