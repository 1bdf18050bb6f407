/**
 * The WDK headers drivers include, checked by compiling C with the driver flags: the values and
 * layouts the WDK gives (IOCTL codes, access masks, structure sizes), every header together in one
 * file, and devioctl.h alone as a project's shared public.h includes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileC, firstErrors, NEEDS_CLANG } from './support.ts';
import { TARGET_FLAGS, WARNING_FLAGS } from '../../src/build/flags.ts';

const FLAGS = [...TARGET_FLAGS, ...WARNING_FLAGS, '-Werror'];

const HEADERS = [
  'ntddk.h', 'wdm.h', 'ntifs.h', 'ntstrsafe.h', 'ntintsafe.h', 'devioctl.h', 'initguid.h', 'guiddef.h', 'wdmguid.h', 'wdmsec.h',
  'dontuse.h', 'suppress.h', 'driverspecs.h', 'specstrings.h', 'sal.h', 'intrin.h', 'stdio.h', 'stdlib.h', 'string.h', 'ctype.h',
  'wchar.h', 'wctype.h', 'sdkddkver.h', 'ntddser.h', 'ntddkbd.h', 'ntddmou.h', 'wmistr.h', 'wmilib.h', 'pshpack1.h', 'poppack.h',
];

/** Facts of the WDK, each as a C constant expression and its value. */
const FACTS: [string, string][] = [
  ['CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)', '0x222000'],
  ['CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_NEITHER, FILE_READ_ACCESS | FILE_WRITE_ACCESS)', '0x22E40F'],
  ['DEVICE_TYPE_FROM_CTL_CODE(0x22E40F)', 'FILE_DEVICE_UNKNOWN'],
  ['METHOD_FROM_CTL_CODE(0x22E40F)', 'METHOD_NEITHER'],
  ['IOCTL_SERIAL_SET_BAUD_RATE', '0x1B0004'],
  ['IOCTL_SERIAL_GET_MODEMSTATUS', '0x1B0068'],
  ['IOCTL_SERIAL_INTERNAL_BASIC_SETTINGS', '0x1B000C'],
  ['IOCTL_KEYBOARD_QUERY_ATTRIBUTES', '0x0B0000'],
  ['IOCTL_KEYBOARD_SET_INDICATORS', '0x0B0008'],
  ['IOCTL_MOUSE_QUERY_ATTRIBUTES', '0x0F0000'],
  ['GENERIC_READ | GENERIC_WRITE', '0xC0000000'],
  ['FILE_ALL_ACCESS', '0x1F01FF'],
  ['FILE_GENERIC_READ', '0x120089'],
  ['FILE_GENERIC_WRITE', '0x120116'],
  ['KEY_READ', '0x20019'],
  ['KEY_WRITE', '0x20006'],
  ['KEY_ALL_ACCESS', '0xF003F'],
  ['STANDARD_RIGHTS_ALL', '0x1F0000'],
  ['OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE', '0x240'],
  ['sizeof(OBJECT_ATTRIBUTES)', '24'],
  ['sizeof(STRING)', '8'],
  ['sizeof(ANSI_STRING)', '8'],
  ['sizeof(GUID)', '16'],
  ['sizeof(KEYBOARD_INPUT_DATA)', '12'],
  ['sizeof(MOUSE_INPUT_DATA)', '24'],
  ['sizeof(SERIAL_BASIC_SETTINGS)', '44'],
  ['sizeof(WNODE_HEADER)', '48'],
  ['sizeof(WMILIB_CONTEXT)', '32'],
  ['(ULONG)STATUS_DEVICE_REMOVED', '0xC00002B6'],
  ['(ULONG)STATUS_NO_MATCH', '0xC0000272'],
  ['(ULONG)STATUS_WMI_GUID_NOT_FOUND', '0xC0000295'],
  ['(ULONG)STATUS_OBJECT_NAME_EXISTS', '0x40000000'],
  ['NTDDI_VERSION >= NTDDI_WIN10_VB', '1'],
  ['SYNCHRONIZE | EVENT_MODIFY_STATE', '0x100002'],
  ['EVENT_ALL_ACCESS', '0x1F0003'],
  ['STATUS_CONTINUE_COMPLETION', 'STATUS_SUCCESS'],
  // wdm.h brings string.h, as the WDK's does: memcpy is declared for a driver that never included it.
  ['sizeof(memcpy((void *)0, (void *)0, 0))', 'sizeof(void *)'],
];

test('every header the habits added compiles together, with no warning', { skip: NEEDS_CLANG }, () => {
  const text = HEADERS.map((h) => `#include <${h}>`).join('\n') + '\n';
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
});

test('the WDK values and layouts: IOCTL codes, access masks, structure sizes, status codes', { skip: NEEDS_CLANG }, () => {
  const text =
    ['#include <ntddk.h>', '#include <ntddser.h>', '#include <ntddkbd.h>', '#include <ntddmou.h>', '#include <wmilib.h>'].join('\n') +
    '\n' +
    FACTS.map(([expr, value]) => `_Static_assert((${expr}) == (${value}), "${expr.replace(/"/g, '\\"')} is not ${value}");`).join('\n') +
    '\n';
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr));
});

test('a wrong fact fails the check, naming it', { skip: NEEDS_CLANG }, () => {
  const r = compileC('#include <ntddk.h>\n#include <ntddser.h>\n_Static_assert(IOCTL_SERIAL_SET_BAUD_RATE == 0x1B0008, "IOCTL_SERIAL_SET_BAUD_RATE is not 0x1B0008");\n', { flags: FLAGS });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /IOCTL_SERIAL_SET_BAUD_RATE is not 0x1B0008/);
});

test("devioctl.h stands alone, as a project's public.h includes it for user mode and kernel alike", { skip: NEEDS_CLANG }, () => {
  const r = compileC('#include <devioctl.h>\n#define IOCTL_X CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)\n_Static_assert(IOCTL_X == 0x222004, "x");\n', { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr));
});

test('SAL as drivers write it: SAL 2, SAL 1 and driverspecs annotations on one prototype, and on a definition', { skip: NEEDS_CLANG }, () => {
  const text = `#include <ntddk.h>
_Function_class_(DRIVER_DISPATCH) _Dispatch_type_(IRP_MJ_READ) _IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_requires_same_
_Must_inspect_result_ _Success_(return >= 0) __drv_maxIRQL(DISPATCH_LEVEL)
NTSTATUS Annotated(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ __drv_aliasesMem PIRP Irp,
                   _Outptr_result_buffer_maybenull_(*Length) PCHAR *Out, _Out_ PULONG Length,
                   __in_ecount(Count) PULONG Items, __in ULONG Count, _When_(Count > 0, _In_reads_bytes_opt_(Count)) PVOID Extra,
                   _Out_writes_bytes_to_opt_(Count, *Length) PVOID Opt, _Reserved_ PVOID Reserved);
_Use_decl_annotations_
NTSTATUS Annotated(PDEVICE_OBJECT DeviceObject, PIRP Irp, PCHAR *Out, PULONG Length, PULONG Items, ULONG Count, PVOID Extra, PVOID Opt, PVOID Reserved) {
  UNREFERENCED_PARAMETER(DeviceObject); UNREFERENCED_PARAMETER(Irp); UNREFERENCED_PARAMETER(Items); UNREFERENCED_PARAMETER(Count);
  UNREFERENCED_PARAMETER(Extra); UNREFERENCED_PARAMETER(Opt); UNREFERENCED_PARAMETER(Reserved);
  _Analysis_assume_(Out != NULL);
  *Out = NULL; *Length = 0;
  return STATUS_SUCCESS;
}
`;
  const r = compileC(text, { flags: FLAGS });
  assert.equal(r.status, 0, firstErrors(r.stderr) || r.stderr);
});
