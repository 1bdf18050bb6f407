/**
 * wdfiotarget.h's and wdfrequest.h's structures for remote targets and driver-created requests against
 * src/nt/wdf-target.ts (the framework reads drivers' open and reuse parameters through those offsets),
 * and the headers' enums against the framework's tables.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import { WDF_IO_TARGET_OPEN_TYPE, WDF_IO_TARGET_PURGE_IO_ACTION, WDF_IO_TARGET_SENT_IO_ACTION, WDF_IO_TARGET_STATE, WDF_REQUEST_REUSE, WDF_TARGET_LAYOUTS } from '../../src/nt/wdf-target.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';

function checkSource(): string {
  const base = layoutCheckSource(WDF_TARGET_LAYOUTS).replace('#include <ntddk.h>', '#include <ntddk.h>\n#include <wdf.h>');
  const constants: [string, number][] = [
    ...Object.entries(WDF_IO_TARGET_STATE).filter(([n]) => n !== 'Undefined').map(([n, v]): [string, number] => [`WdfIoTarget${n}`, v]),
    ...Object.entries(WDF_IO_TARGET_OPEN_TYPE).map(([n, v]): [string, number] => [`WdfIoTargetOpen${n}`, v]),
    ['WdfIoTargetCancelSentIo', WDF_IO_TARGET_SENT_IO_ACTION.CancelSentIo],
    ['WdfIoTargetWaitForSentIoToComplete', WDF_IO_TARGET_SENT_IO_ACTION.WaitForSentIoToComplete],
    ['WdfIoTargetLeaveSentIoPending', WDF_IO_TARGET_SENT_IO_ACTION.LeaveSentIoPending],
    ['WdfIoTargetPurgeIoAndWait', WDF_IO_TARGET_PURGE_IO_ACTION.PurgeIoAndWait],
    ['WdfIoTargetPurgeIo', WDF_IO_TARGET_PURGE_IO_ACTION.PurgeIo],
    ['WDF_REQUEST_REUSE_SET_NEW_IRP', WDF_REQUEST_REUSE.SetNewIrp],
  ];
  return base + constants.map(([n, v]) => `_Static_assert((${n}) == 0x${v.toString(16)}, "${n} is not 0x${v.toString(16)}");`).join('\n') + '\n';
}

test('WDF_IO_TARGET_OPEN_PARAMS, WDF_REQUEST_REUSE_PARAMS and the target enums of wdf.h have the values of src/nt/wdf-target.ts', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(checkSource());
  assert.equal(status, 0, `ddk/include/wdf*.h disagrees with src/nt/wdf-target.ts:\n${firstErrors(stderr)}`);
});

test('a wrong offset in the target layouts fails the check, naming the field', { skip: NEEDS_CLANG }, () => {
  const source = checkSource().replace(/offsetof\(WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName\) == (\d+)/, (_m, n: string) => `offsetof(WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName) == ${Number(n) + 4}`);
  const { status, stderr } = compileC(source);
  assert.notEqual(status, 0);
  assert.match(stderr, /offsetof\(WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName\) is not \d+/);
});

test('the INIT helpers fill what the DDI reference says (compiled and evaluated by clang)', { skip: NEEDS_CLANG }, () => {
  const source = `#include <ntddk.h>
#include <wdf.h>
static UNICODE_STRING name;
static WDF_IO_TARGET_OPEN_PARAMS p;
void f(void) { WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&p, &name, STANDARD_RIGHTS_ALL); }
_Static_assert(sizeof(WDF_IO_TARGET_OPEN_PARAMS) == ${WDF_TARGET_LAYOUTS[0]!.size}, "size");
`;
  const { status, stderr } = compileC(source);
  assert.equal(status, 0, firstErrors(stderr));
});
