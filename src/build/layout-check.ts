/**
 * A C translation unit of static assertions that the ddk/include structures are laid out exactly as
 * src/nt/layout.ts says (the kernel reads driver memory through those offsets), and that the
 * constants the kernel shares with drivers have the kernel's values. Compiling it with the driver
 * flags is the check: any difference is a compile error naming the structure and field.
 */
import { EXCEPTION_CONTINUE_EXECUTION, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_EXECUTE_HANDLER, KSPIN_LOCK, LAYOUTS, SEH_STATE, type FieldType, type StructLayout } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { ACCESS, EVENT_TYPE, FILE_ACCESS } from '../nt/access.ts';
import { POOL_FLAG, POOL_TYPE } from '../nt/pool.ts';
import { DO, IO_NO_INCREMENT, IO_TYPE, IRP_MJ, IRP_MJ_MAXIMUM_FUNCTION, MDL, SL, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, FILE_READ_ACCESS, FILE_WRITE_ACCESS, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT } from '../nt/io.ts';
import { DRIVER_REGKEY_TYPE, KEY_INFORMATION_CLASS, REG_NOTIFY_CLASS, KEY_VALUE_INFORMATION_CLASS, OBJ, PLUGPLAY_REGKEY, REG, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY, REG_OPTION, RTL_QUERY_REGISTRY, RTL_QUERY_REGISTRY_TYPECHECK_SHIFT, RTL_REGISTRY } from '../nt/registry.ts';
import { DEVICE_RELATION_TYPE, IRP_MN_PNP, PNP_DEVICE } from '../nt/pnp.ts';
import { DEVICE_POWER_STATE, IRP_MN_POWER, POWER_ACTION, POWER_STATE_TYPE, SYSTEM_POWER_STATE } from '../nt/power.ts';
import { APC_LEVEL, CLOCK_LEVEL, DISPATCH_LEVEL, HIGH_LEVEL, IPI_LEVEL, PASSIVE_LEVEL, POWER_LEVEL, PROFILE_LEVEL } from '../nt/irql.ts';
import { FILE_ATTRIBUTE_NORMAL, FILE_CREATE_RESULT, FILE_DISPOSITION, FILE_INFORMATION_CLASS, FILE_OPTION, FILE_SHARE, FILE_USE_FILE_POINTER_POSITION, FILE_WRITE_TO_END_OF_FILE } from '../nt/file-system.ts';
import { CM_RESOURCE_CONNECTION, CM_RESOURCE_FLAG, CM_RESOURCE_TYPE, CM_SHARE_DISPOSITION, IO_RESOURCE_OPTION } from '../nt/resources.ts';

/**
 * Where wdm.h nests a member deeper than layout.ts names it: per structure, layout path prefix ->
 * C path prefix. (wdm.h keeps the IRP's tail and APC parameters inside unions of alternatives the
 * simulated kernel does not model.)
 */
export const C_PATH_PREFIXES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  IRP: [
    ['Tail.', 'Tail.Overlay.'],
    ['Overlay.', 'Overlay.AsynchronousParameters.'],
  ],
};

/** Layouts that C declares as a scalar typedef, not a struct: only their size is checked. */
export const SCALAR_TYPEDEFS: readonly StructLayout[] = [KSPIN_LOCK];

export function cPath(struct: string, path: string): string {
  for (const [from, to] of C_PATH_PREFIXES[struct] ?? []) if (path.startsWith(from)) return to + path.slice(from.length);
  return path;
}

interface FieldFact {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
  readonly type: FieldType;
}

function walk(layout: StructLayout, prefix = '', base = 0): FieldFact[] {
  return layout.fields.flatMap((f) => {
    const fact = { path: prefix + f.name, offset: base + f.offset, size: f.size, type: f.type };
    const inner = typeof f.type !== 'string' && !('array' in f.type) ? walk(f.type, `${fact.path}.`, fact.offset) : [];
    return [fact, ...inner];
  });
}

const SIGNED = new Set(['i8', 'i16', 'i32', 'i64']);

function structAssertions(layout: StructLayout): string[] {
  const T = layout.name;
  const lines = [
    `/* ${T} */`,
    `_Static_assert(sizeof(${T}) == ${layout.size}, "sizeof(${T}) is not ${layout.size}");`,
    `_Static_assert(_Alignof(${T}) == ${layout.align}, "_Alignof(${T}) is not ${layout.align}");`,
  ];
  for (const f of walk(layout)) {
    const c = cPath(T, f.path);
    const m = `((${T} *)0)->${c}`;
    lines.push(`_Static_assert(offsetof(${T}, ${c}) == ${f.offset}, "offsetof(${T}, ${c}) is not ${f.offset}");`);
    lines.push(`_Static_assert(sizeof(${m}) == ${f.size}, "sizeof ${T}.${c} is not ${f.size}");`);
    if (f.type === 'ptr') {
      lines.push(`_Static_assert(DV_IS_POINTER(${m}), "${T}.${c} is not a pointer");`);
    } else if (typeof f.type === 'string') {
      const signed = SIGNED.has(f.type) ? 1 : 0;
      lines.push(`_Static_assert(DV_SIGNEDNESS(${m}) == ${signed}, "${T}.${c} is not ${signed ? 'signed' : 'unsigned'} (layout: ${f.type})");`);
    }
  }
  return lines;
}

const hex = (v: number | bigint) => `0x${v.toString(16)}`;

/** [C expression, expected value]: the constants drivers and the kernel must agree on. */
export function sharedConstants(): [string, number | bigint][] {
  const out: [string, number | bigint][] = [];
  for (const [name, v] of Object.entries(STATUS)) out.push([`(ULONG)STATUS_${name}`, v]);
  for (const [name, v] of Object.entries(POOL_TYPE)) out.push([`(ULONG)${name}`, v]);
  for (const [name, v] of Object.entries(POOL_FLAG)) out.push([`(ULONG64)POOL_FLAG_${name}`, v]);
  for (const [name, v] of Object.entries(IRP_MJ)) out.push([`IRP_MJ_${name}`, v]);
  out.push(['IRP_MJ_MAXIMUM_FUNCTION', IRP_MJ_MAXIMUM_FUNCTION]);
  for (const [name, v] of Object.entries(MDL)) out.push([`MDL_${name}`, v]);
  for (const [name, v] of Object.entries(DO)) out.push([`DO_${name}`, v]);
  for (const [name, v] of Object.entries(SL)) out.push([`SL_${name}`, v]);
  for (const [name, v] of Object.entries(IO_TYPE)) out.push([`IO_TYPE_${name}`, v]);
  for (const [name, v] of Object.entries(IRP_MN_PNP)) out.push([`IRP_MN_${name}`, v]);
  for (const [name, v] of Object.entries(PNP_DEVICE)) out.push([`PNP_DEVICE_${name}`, v]);
  for (const [name, v] of Object.entries(DEVICE_RELATION_TYPE)) out.push([name, v]);
  for (const [name, v] of Object.entries(SEH_STATE)) out.push([`DV_SEH_${name}`, v]);
  for (const [name, v] of Object.entries({ ...ACCESS, ...FILE_ACCESS })) out.push([`(ULONG)${name}`, v]);
  for (const [name, v] of Object.entries(EVENT_TYPE)) out.push([name, v]);
  for (const [name, v] of Object.entries({ EXCEPTION_EXECUTE_HANDLER, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_CONTINUE_EXECUTION })) out.push([name, v >>> 0]);
  const scalars = { METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT, METHOD_NEITHER, FILE_ANY_ACCESS, FILE_READ_ACCESS, FILE_WRITE_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT };
  for (const [name, v] of Object.entries(scalars)) out.push([name, v]);
  const irqls = { PASSIVE_LEVEL, APC_LEVEL, DISPATCH_LEVEL, PROFILE_LEVEL, CLOCK_LEVEL, IPI_LEVEL, POWER_LEVEL, HIGH_LEVEL };
  for (const [name, v] of Object.entries(irqls)) out.push([name, v]);
  // The registry (dv/cm.h, ntdef.h's OBJ_*).
  const prefixed = { REG, REG_OPTION, RTL_REGISTRY, RTL_QUERY_REGISTRY, OBJ, PLUGPLAY_REGKEY };
  for (const [prefix, table] of Object.entries(prefixed)) for (const [name, v] of Object.entries(table)) out.push([`(ULONG)${prefix}_${name}`, v]);
  for (const [name, v] of Object.entries({ ...KEY_INFORMATION_CLASS, ...KEY_VALUE_INFORMATION_CLASS, ...DRIVER_REGKEY_TYPE, ...REG_NOTIFY_CLASS, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY, RTL_QUERY_REGISTRY_TYPECHECK_SHIFT })) out.push([name, v]);
  // Power (dv/po.h, and dv/io.h's IRP_MN_ codes of IRP_MJ_POWER).
  for (const [name, v] of Object.entries({ ...SYSTEM_POWER_STATE, ...DEVICE_POWER_STATE, ...POWER_STATE_TYPE, ...POWER_ACTION })) out.push([name, v]);
  for (const [name, v] of Object.entries(IRP_MN_POWER)) out.push([`IRP_MN_${name}`, v]);
  // Hardware resources (dv/resources.h).
  for (const [name, v] of Object.entries({ ...CM_RESOURCE_TYPE, ...CM_SHARE_DISPOSITION, ...CM_RESOURCE_FLAG, ...IO_RESOURCE_OPTION, ...CM_RESOURCE_CONNECTION })) out.push([name, v]);
  // Files (dv/zwfile.h).
  const files = { ...FILE_DISPOSITION, ...FILE_CREATE_RESULT, ...FILE_OPTION, ...FILE_SHARE, ...FILE_INFORMATION_CLASS, FILE_ATTRIBUTE_NORMAL, FILE_USE_FILE_POINTER_POSITION, FILE_WRITE_TO_END_OF_FILE };
  for (const [name, v] of Object.entries(files)) out.push([`(ULONG)${name}`, v]);
  return out;
}

export function layoutCheckSource(layouts: readonly StructLayout[] = LAYOUTS): string {
  const lines = [
    '/* Generated by src/build/layout-check.ts from src/nt/layout.ts: do not edit. */',
    '#include <ntddk.h>',
    '#include <poclass.h>',
    '',
    '#define DV_IS_POINTER(x) (__builtin_classify_type(x) == 5)',
    '#define DV_SIGNEDNESS(x) _Generic((x), char: 1, signed char: 1, short: 1, int: 1, long: 1, long long: 1, \\',
    '  unsigned char: 0, unsigned short: 0, unsigned int: 0, unsigned long: 0, unsigned long long: 0, \\',
    '  LARGE_INTEGER: 1, ULARGE_INTEGER: 0, default: -1)',
    '',
  ];
  for (const layout of layouts) lines.push(...structAssertions(layout), '');
  for (const layout of SCALAR_TYPEDEFS) {
    lines.push(`_Static_assert(sizeof(${layout.name}) == ${layout.size}, "sizeof(${layout.name}) is not ${layout.size}");`);
  }
  lines.push('', '/* Constants */');
  for (const [expr, v] of sharedConstants()) {
    const suffix = typeof v === 'bigint' ? 'ULL' : 'UL';
    lines.push(`_Static_assert((${expr}) == ${hex(v)}${suffix}, "${expr.replace(/"/g, '')} is not ${hex(v)}");`);
  }
  return lines.join('\n') + '\n';
}
